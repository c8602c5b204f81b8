package org.stegoehealth.processors.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that refuse a bad option value while the command line is parsed, before any work starts, with one line
 * that names the option, the value and what is allowed ({@code Invalid value for option '--seconds': -3 is not a
 * positive number}).
 */
public final class OptionValues {

    private OptionValues() {}

    /** A time: an ISO-8601 instant in UTC. Registered for every {@link Instant} option ({@link CommandErrors}). */
    public static final class Time implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a time: give an ISO-8601 time in UTC, e.g. 2026-11-29T08:00:00Z");
            }
        }
    }

    /** A whole number, 1 or more. */
    public static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 1) {
                throw new TypeConversionException(value + " is not allowed: give 1 or more");
            }
            return n;
        }
    }

    /** A whole number, 0 or more. */
    public static final class NotNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 0) {
                throw new TypeConversionException(value + " is not allowed: give 0 or more");
            }
            return n;
        }
    }

    /** A finite number above 0. */
    public static final class Positive implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double x;
            try {
                x = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number");
            }
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new TypeConversionException(value + " is not allowed: give a number above 0");
            }
            return x;
        }
    }

    /** A length of time: {@code 45s}, {@code 10m}, {@code 6h}, {@code 1d} or ISO-8601 ({@code PT6H}); 0 or more. */
    public static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return duration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * {@code 45s}, {@code 10m}, {@code 6h}, {@code 1d} or ISO-8601 ({@code PT6H}).
     *
     * @throws IllegalArgumentException naming the value, when it is none of these or negative
     */
    public static Duration duration(String value) {
        String t = value.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException();
                };
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (e.g. 30m, 6h, 1d, PT6H)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(value + " is not allowed: give a duration of 0 or more");
        }
        return d;
    }

    private static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }
}
