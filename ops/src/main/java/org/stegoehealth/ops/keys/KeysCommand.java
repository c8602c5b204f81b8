package org.stegoehealth.ops.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.security.KeyInfo;
import org.stegoehealth.security.KeyPurpose;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.TrustedParty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stego keys}: create, rotate, export, import and list the keys of this party's keyring. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {
            "Manage this party's keyring: Ed25519 signing keys, HPKE receiving keys, keyed-position (PRF) keys, and the"
                    + " public keys of the parties it trusts.",
            "The hospital holds its signing keys and the clinics' public keys; each clinic holds its own keys and the"
                    + " hospital's public keys. Files are readable by the owner only (directory 0700, files 0600)."
        },
        subcommands = {
            KeysCommand.Init.class,
            KeysCommand.Rotate.class,
            KeysCommand.Retire.class,
            KeysCommand.ExportPublic.class,
            KeysCommand.ImportPublic.class,
            KeysCommand.ListKeys.class
        })
public final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the keyring lives: {@code --keyring}, else {@code keyring.dir} of the configuration. */
    static final class Location {

        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "Properties file (keys as in StegoConfig).")
        Path config;

        @Option(
                names = {"-k", "--keyring"},
                paramLabel = "DIR",
                description = "Keyring directory (default: keyring.dir, STEGO_KEYRING_DIR, or .stego/keyring).")
        Path keyring;

        Path dir() {
            Map<String, String> overrides = new HashMap<>();
            if (keyring != null) {
                overrides.put(StegoConfig.KEYRING_DIR, keyring.toString());
            }
            return StegoConfig.load(config, overrides).keyringDir();
        }

        Keyring open() {
            return Keyring.open(dir());
        }
    }

    /** {@code stego keys init}. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Create a keyring with fresh signing, receiving and position keys.")
    static final class Init implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Option(
                names = {"-n", "--name"},
                required = true,
                paramLabel = "NAME",
                description = "Name of this party, e.g. hospital or clinic-a (a-z, 0-9, '.', '_', '-').")
        String name;

        @Override
        public Integer call() {
            Keyring keyring = Keyring.init(location.dir(), name);
            PrintWriter out = spec.commandLine().getOut();
            out.println("created keyring '" + keyring.name() + "' in " + keyring.dir());
            printKeys(out, keyring.keys());
            out.println("fingerprint " + keyring.fingerprint());
            out.println("next: 'stego keys export-public --out " + keyring.name() + ".pub.json' and hand the file to"
                    + " the other parties");
            out.flush();
            return 0;
        }
    }

    /** {@code stego keys rotate}. */
    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Add a new primary key to keysets; older keys stay usable, so what was signed or sealed with them still verifies and opens.",
                "Hand the new public keys to the other parties afterwards."
            })
    static final class Rotate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Option(
                names = "--purpose",
                split = ",",
                paramLabel = "PURPOSE",
                description = "Keysets to rotate: signing, receiving, positions (default: all).")
        List<String> purposes;

        @Override
        public Integer call() {
            Set<KeyPurpose> chosen = EnumSet.noneOf(KeyPurpose.class);
            if (purposes == null || purposes.isEmpty()) {
                chosen = EnumSet.allOf(KeyPurpose.class);
            } else {
                for (String p : purposes) {
                    chosen.add(KeyPurpose.ofLabel(p.trim()));
                }
            }
            Keyring rotated = location.open().rotate(chosen);
            PrintWriter out = spec.commandLine().getOut();
            out.println("rotated " + chosen.stream().map(KeyPurpose::label).toList() + " of keyring '" + rotated.name()
                    + "'");
            printKeys(out, rotated.keys());
            out.println("next: 'stego keys export-public' and import the file at the other parties");
            out.flush();
            return 0;
        }
    }

    /** {@code stego keys retire}. */
    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = {
                "Remove one key (compromised or no longer wanted) from this keyring, without replacing the others.",
                "A retired signing key no longer verifies; what was encrypted to a retired receiving key no longer opens. A primary key cannot be retired: rotate first. Then export the public keys again and have the other parties import them with --replace."
            })
    static final class Retire implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Parameters(paramLabel = "KEY_ID", description = "The key to retire, as 'stego keys list' prints it.")
        String keyId;

        @Override
        public Integer call() {
            Keyring retired = location.open().retire(keyId);
            PrintWriter out = spec.commandLine().getOut();
            out.println("retired key " + keyId + " of keyring '" + retired.name() + "'");
            printKeys(out, retired.keys());
            out.println("next: 'stego keys export-public' and import the file at the other parties with --replace");
            out.flush();
            return 0;
        }
    }

    /** {@code stego keys export-public}. */
    @Command(
            name = "export-public",
            mixinStandardHelpOptions = true,
            description = {
                "Write this party's public keys (signing and receiving) as JSON for the other parties.",
                "A clinic shares its position keys with the hospital, sealed to the hospital's key, with --share-positions-with hospital (import the hospital's public keys first)."
            })
    static final class ExportPublic implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Option(
                names = {"-o", "--out"},
                paramLabel = "FILE",
                description = "Output file (default: standard output).")
        Path out;

        @Option(
                names = "--share-positions-with",
                paramLabel = "PARTY",
                description = "Also include this party's position keys, encrypted to PARTY's receiving key.")
        String sharePositionsWith;

        @Override
        public Integer call() throws IOException {
            Keyring keyring = location.open();
            String doc = keyring.exportPublic(Optional.ofNullable(sharePositionsWith));
            if (out == null) {
                spec.commandLine().getOut().print(doc);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(out, doc, StandardCharsets.UTF_8);
                PrintWriter err = spec.commandLine().getErr();
                err.println("wrote the public keys of '" + keyring.name() + "' to " + out + " (fingerprint "
                        + keyring.fingerprint() + ")"
                        + (sharePositionsWith == null ? "" : "; position keys sealed to '" + sharePositionsWith + "'"));
                err.flush();
            }
            return 0;
        }
    }

    /** {@code stego keys import-public}. */
    @Command(
            name = "import-public",
            mixinStandardHelpOptions = true,
            description = {
                "Trust the public keys in FILE (written by 'stego keys export-public' at another party).",
                "Compare the printed fingerprint with the other party's over a second channel."
            })
    static final class ImportPublic implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Parameters(paramLabel = "FILE", description = "Public-key file of another party.")
        Path file;

        @Option(
                names = "--replace",
                description = "Accept new keys of an already trusted party (any key added, dropped or swapped):"
                        + " only after checking the new fingerprint with that party.")
        boolean replace;

        @Option(
                names = "--expect-fingerprint",
                paramLabel = "FP",
                description = "The fingerprint the other party read out to you: the file is imported only if its"
                        + " keys have exactly this fingerprint (and then may replace keys trusted so far).")
        String expectedFingerprint;

        @Override
        public Integer call() throws IOException {
            // the file first: a missing or unreadable one is named before anything else is looked at
            String doc = readDocument(file);
            Keyring keyring = location.open();
            PrintWriter out = spec.commandLine().getOut();
            String party = Keyring.partyOf(doc, file.toString());
            keyring.trusted().stream()
                    .filter(t -> t.name().equals(party))
                    .findFirst()
                    .ifPresent(t -> out.println("'" + t.name() + "' trusted so far: signing keys "
                            + String.join(",", t.signingKeyIds()) + ", receiving keys "
                            + String.join(",", t.receivingKeyIds()) + ", fingerprint " + t.fingerprint()));
            Keyring.Imported imported = keyring.importPublic(
                    doc, file.toString(), replace, java.util.Optional.ofNullable(expectedFingerprint));
            TrustedParty p = imported.party();
            out.println("keyring '" + keyring.name() + "' now trusts '" + p.name() + "': signing keys "
                    + String.join(",", p.signingKeyIds()) + ", receiving keys " + String.join(",", p.receivingKeyIds())
                    + (p.positionKeys() ? ", position keys shared" : ""));
            out.println("fingerprint " + p.fingerprint() + " (check it with '" + p.name() + "')");
            out.flush();
            return 0;
        }
    }

    /** The text of a public-key file, or one line naming the file and what is wrong with it. */
    static String readDocument(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a public-key file of Stego-eHealth (not UTF-8 text;"
                    + " write one with 'stego keys export-public')");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** {@code stego keys list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Show this keyring's keys (ids, primary, status) and the parties it trusts. No secrets.")
    static final class ListKeys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Override
        public Integer call() {
            Keyring keyring = location.open();
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    "keyring '" + keyring.name() + "' in " + keyring.dir() + ", fingerprint " + keyring.fingerprint());
            printKeys(out, keyring.keys());
            if (keyring.trusted().isEmpty()) {
                out.println("trusts no other party yet (stego keys import-public FILE)");
            }
            for (TrustedParty p : keyring.trusted()) {
                out.printf(
                        "trusts %-16s signing %s  receiving %s%s  fingerprint %s%n",
                        p.name(),
                        String.join(",", p.signingKeyIds()),
                        String.join(",", p.receivingKeyIds()),
                        p.positionKeys() ? "  positions shared" : "",
                        p.fingerprint());
            }
            out.flush();
            return 0;
        }
    }

    private static void printKeys(PrintWriter out, List<KeyInfo> keys) {
        for (KeyInfo k : keys) {
            out.printf(
                    "  %-9s %s  %-8s %s  %s%n",
                    k.purpose().label(),
                    k.keyId(),
                    k.status(),
                    k.primary() ? "primary" : "       ",
                    k.purpose().algorithm());
        }
    }
}
