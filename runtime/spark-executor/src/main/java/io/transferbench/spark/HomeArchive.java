package io.transferbench.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a cluster's executors need to start a trial, as one archive Spark ships and unpacks on each:
 * the launcher, the configuration, the module and class path libraries, and the plugins. Spark itself
 * stays out (the executors have it). Stored without compression: the JARs are compressed already.
 */
final class HomeArchive {

    private HomeArchive() {
    }

    static Path write(Path home, Path plugins) throws IOException {
        // the folder Spark unpacks it into on an executor is named after the file
        Path archive = Files.createTempDirectory("transferbench-spark-").resolve(SparkSweep.ARCHIVE);
        try (OutputStream file = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            for (String part : List.of("bin", "conf", "lib/modules", "lib/classpath")) {
                add(zip, home.resolve(part), part);
            }
            add(zip, plugins, "plugins");
        }
        return archive;
    }

    private static void add(ZipOutputStream zip, Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(prefix + "/" + folder.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
    }
}
