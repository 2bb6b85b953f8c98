package io.transferbench.runtime.internal.plugins;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * The one guard around every call into a plugin: the thread's context class loader is the plugin's
 * while it runs, and whatever it throws short of a virtual-machine error (out of memory, stack
 * overflow: the process cannot go on) comes back as a {@link PluginFailure} naming the component,
 * its kind and its JAR. Component instances are wrapped once ({@link #guarded}), so the stages call
 * them as they would call any object.
 */
public final class PluginCalls {

    private PluginCalls() {
    }

    /** A plugin's code failed: the message names the component, its kind, its JAR and what it did. */
    public static final class PluginFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PluginFailure(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** The runtime's own code failed while a plugin had called it back: not the plugin's failure. */
    private static final class HostFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostFailure(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Runs the runtime's own {@code call} from inside a plugin's call (a coefficient search asking for a
     * measurement): with the runtime's context class loader, and whatever it throws reaches the stage as it
     * was thrown instead of being blamed on the plugin.
     */
    public static <T> T host(Supplier<T> call) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(PluginCalls.class.getClassLoader());
        try {
            return call.get();
        } catch (HostFailure | VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new HostFailure(e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static RuntimeException unwrapped(HostFailure e) {
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return (RuntimeException) e.getCause();
    }

    /** Runs {@code call} (named {@code what}, e.g. "create()") as {@code component}'s code. */
    public static <T> T call(DiscoveredComponent component, String what, Supplier<T> call) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(component.factory().getClass().getClassLoader());
        try {
            return call.get();
        } catch (PluginFailure | io.transferbench.api.InvalidParameterException | VirtualMachineError e) {
            throw e; // already named, the descriptor's error to report at its location, or the end of the process
        } catch (HostFailure e) {
            throw unwrapped(e);
        } catch (RuntimeException | Error e) {
            throw failure(component, what, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** {@code instance} behind {@code type}, every call guarded as {@link #call} does. */
    public static <T> T guarded(Class<T> type, T instance, DiscoveredComponent component) {
        if (instance == null) {
            throw new PluginFailure(describe(component) + " returned no instance from create()", null);
        }
        if (Proxy.isProxyClass(instance.getClass()) && Proxy.getInvocationHandler(instance) instanceof Guard) {
            return instance;
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new Guard(instance, component)));
    }

    private static PluginFailure failure(DiscoveredComponent component, String what, Throwable e) {
        return new PluginFailure(describe(component) + " failed in " + what + ": " + e, e);
    }

    /** "the importance metric 'hrank' from transferbench-plugin-importance-metrics-0.1.0.jar". */
    public static String describe(DiscoveredComponent component) {
        return "the " + component.kind().displayName() + " '" + component.id() + "' from " + component.source().describe();
    }

    private record Guard(Object instance, DiscoveredComponent component) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> describe(component);
                };
            }
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(component.factory().getClass().getClassLoader());
            try {
                return method.invoke(instance, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
                if (e.getCause() instanceof HostFailure host) {
                    throw unwrapped(host);
                }
                throw failure(component, method.getName() + "()", e.getCause());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }
}
