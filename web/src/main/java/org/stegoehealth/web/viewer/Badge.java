package org.stegoehealth.web.viewer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The integrity badge of a recovered X-ray: whether the hospital's signature was checked (and whose keys), and how
 * faithful the pixels are: bit-identical for the sealed method, a lossy reconstruction for the neural method with the
 * model's held-out PSNR. The same words go on the page and into an exported PNG's text chunks.
 *
 * @param level {@code verified-exact}, {@code verified-lossy} or {@code unverified}: the badge's colour
 * @param headline one line: what the image is
 * @param details the lines under it
 */
public record Badge(String level, String headline, List<String> details) {

    /** The badge of {@code study} (a recovered one) at a clinic that trusts as {@code quality.trust()} says. */
    public static Badge of(Study study, ModelQuality quality) {
        ClinicTrust trust = quality.trust();
        List<String> details = new ArrayList<>();
        String signature;
        if (trust.signaturesChecked()) {
            signature = "Signature verified: signed by hospital '"
                    + trust.hospital().orElse("?") + "'"
                    + trust.fingerprint().map(f -> ", key fingerprint " + f).orElse("");
        } else {
            signature = "Signature NOT checked: this clinic runs with security.allow.unsigned=true";
        }
        String headline;
        String level;
        if (study.isSealed()) {
            headline = "Bit-identical to the hospital's original, verified";
            level = trust.signaturesChecked() ? "verified-exact" : "unverified";
            details.add("Sealed method: the original " + study.bitDepth()
                    + "-bit pixels, authenticated encryption checked on opening");
        } else {
            OptionalDouble psnr = quality.secretPsnr(study.modelVersion());
            headline = "Reconstructed by model " + study.modelVersion() + ", lossy, not for primary diagnosis";
            level = trust.signaturesChecked() ? "verified-lossy" : "unverified";
            details.add(
                    psnr.isPresent()
                            ? String.format(
                                    Locale.ROOT,
                                    "Model's held-out PSNR: %.1f dB (measured at training on X-rays it never saw)",
                                    psnr.getAsDouble())
                            : "Model's held-out PSNR: unknown (no verified model event for this version)");
        }
        details.add(0, signature);
        return new Badge(level, headline, List.copyOf(details));
    }

    /** PNG text chunks carrying the badge's meaning, plus where the image comes from. */
    public Map<String, String> pngText(Study study) {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("Title", study.studyRef() == null ? study.messageId() : study.studyRef());
        text.put("Description", headline);
        text.put("Disclaimer", level.equals("verified-exact") ? "" : "Not for primary diagnosis unless bit-identical");
        text.put("Comment", String.join("; ", details));
        text.put(
                "Source",
                "Stego-eHealth, message " + study.messageId() + ", method " + study.method()
                        + (study.isSealed() ? "" : ", model " + study.modelVersion()));
        text.put("Creation Time", study.receivedAt().toString());
        text.put("Software", "Stego-eHealth clinic viewer");
        text.values().removeIf(String::isEmpty);
        return text;
    }
}
