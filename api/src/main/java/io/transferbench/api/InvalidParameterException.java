package io.transferbench.api;

/**
 * A parameter value that a component cannot accept, with where it was written.
 * The runtime reports it as bad input (exit code 2).
 */
public final class InvalidParameterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String location;
    private final String componentId;
    private final String parameter;

    public InvalidParameterException(String location, String componentId, String parameter, String whatWouldBeRight) {
        super(location + ": parameter '" + parameter + "' of '" + componentId + "': " + whatWouldBeRight);
        this.location = location;
        this.componentId = componentId;
        this.parameter = parameter;
    }

    public String location() {
        return location;
    }

    public String componentId() {
        return componentId;
    }

    public String parameter() {
        return parameter;
    }
}
