package org.stegoehealth.errors;

/**
 * Range checks for command-line options, so every command refuses a bad value with the same one-line message that
 * names the option: {@code --batch must be at least 1, was 0}.
 */
public final class OptionChecks {

    private OptionChecks() {}

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code value} is below {@code min}
     */
    public static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", was " + value);
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code value} is not above zero (or not a number)
     */
    public static void positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a positive number, was " + value);
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code value} is negative (or not a number)
     */
    public static void notNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be 0 or a positive number, was " + value);
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} unless {@code 0 <= value < 1}
     */
    public static void fraction(String option, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(option + " must be at least 0 and below 1, was " + value);
        }
    }
}
