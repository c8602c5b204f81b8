package org.stegoehealth.model;

import java.nio.file.Path;

/**
 * Where this installation and its data sets are: the one place every command takes its default folders from.
 *
 * <p>The installation directory is the system property {@code stego.home} (the {@code stego} launcher sets it),
 * else the environment variable {@code STEGO_HOME}, else the working directory. The data folder, which holds
 * {@code xray/} and {@code covers/}, is the system property {@code stego.data.dir}, else the environment variable
 * {@code STEGO_DATA_DIR}, else {@code data/} under the installation directory.
 */
public final class Installation {

    private Installation() {}

    /** The installation directory. */
    public static Path home() {
        return Path.of(firstSet(System.getProperty("stego.home"), System.getenv("STEGO_HOME"), "."));
    }

    /** The data folder: {@code stego.data.dir}, else {@code STEGO_DATA_DIR}, else {@code <home>/data}. */
    public static Path dataDir() {
        return dataDir(System.getProperty("stego.data.dir"), System.getenv("STEGO_DATA_DIR"), home());
    }

    /** The chest X-rays of the data set: {@code <data>/xray}. */
    public static Path xrays() {
        return dataDir().resolve("xray");
    }

    /** The cover photos of the data set: {@code <data>/covers}. */
    public static Path covers() {
        return dataDir().resolve("covers");
    }

    static Path dataDir(String property, String environment, Path home) {
        String dir = firstSet(property, environment, null);
        return dir != null ? Path.of(dir) : home.resolve("data");
    }

    private static String firstSet(String first, String second, String otherwise) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : otherwise;
    }
}
