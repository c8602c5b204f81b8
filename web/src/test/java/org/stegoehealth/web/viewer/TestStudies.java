package org.stegoehealth.web.viewer;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.time.Instant;
import org.stegoehealth.security.Png;

/** Studies as the extractor records them, with synthetic X-ray-like gradients. */
final class TestStudies {

    static final String NEURAL_REF = "ACC-2026-0001";
    static final String SEALED_REF = "ACC-2026-0002";

    private TestStudies() {}

    static BufferedImage gradient(int w, int h, int type, int max) {
        BufferedImage img = new BufferedImage(w, h, type);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double cx = (x - w / 2.0) / w, cy = (y - h / 2.0) / h;
                double v = Math.max(0, 1 - 2.2 * (cx * cx + cy * cy)) * 0.8 + 0.1 * ((x / 8 + y / 8) % 2);
                r.setSample(x, y, 0, (int) Math.round(Math.min(1, v) * max));
            }
        }
        return img;
    }

    static Study neural(Instant at) {
        return neural("msg-neural-1", NEURAL_REF, at);
    }

    static Study neural(String messageId, String ref, Instant at) {
        byte[] png = Png.encode(gradient(64, 48, BufferedImage.TYPE_BYTE_GRAY, 255));
        return Study.recovered(messageId, ref, at, "neural", "stego-gray-test-v1", 64, 48, 1, 8, () -> png);
    }

    static Study sealed(Instant at) {
        byte[] png = Png.encode(gradient(40, 32, BufferedImage.TYPE_USHORT_GRAY, 65535));
        return Study.recovered("msg-sealed-1", SEALED_REF, at, "sealed", "sealed-1", 40, 32, 1, 16, () -> png);
    }

    static Study tampered(Instant at) {
        return Study.failed(
                0,
                7,
                "msg-tampered-1",
                at,
                "TAMPERED",
                "stego event signature does not verify with the hospital's keys");
    }
}
