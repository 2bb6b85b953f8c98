package org.nd4j.nativeblas;

/**
 * DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection, a name from before M2; in M2.1 the
 * class lives in {@code org.nd4j.linalg.cpu.nativecpu.bindings}. The failed lookup silently disables
 * every oneDNN layer helper (about 10x slower convolutions). This class answers at the old name.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The two members BaseMKLDNNHelper calls, delegating to the M2.1 binding. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
