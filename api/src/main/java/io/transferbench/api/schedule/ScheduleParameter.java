package io.transferbench.api.schedule;

/** The two values of a transfer schedule that rules adjust. */
public enum ScheduleParameter {
    /** {@code e}: epochs between a network's transfers. Grows when the error rate fell. */
    FREQUENCY(1),
    /** {@code P}: percent of each conv layer's filters received. Shrinks when the error rate fell. */
    RATIO(-1);

    private final int direction;

    ScheduleParameter(int direction) {
        this.direction = direction;
    }

    /**
     * +1 for frequency, -1 for ratio: a rule written for {@code e} as {@code x - change(diff)} serves
     * both parameters as {@code x - direction() * change(diff)}.
     */
    public int direction() {
        return direction;
    }

    /** The descriptor key, {@code frequency} or {@code ratio}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
