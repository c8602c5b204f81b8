package org.stegoehealth.security;

import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.stegoehealth.security.SealedException.Reason;

/**
 * The lossless, keyed {@code sealed} hiding method. The X-ray's pixels (8- or 16-bit, gray or colour) are compressed
 * losslessly (PNG, metadata dropped), encrypted with HPKE to the receiving clinic's key (the message id and the
 * clinic's name bound as context), and written bit by bit into the cover by LSB matching (+-1) at sample positions drawn from the clinic's
 * keyed PRF. A 20-byte header (its 160 bits by LSB replacement), masked by the PRF, carries the payload length and a PRF tag over the whole stego
 * image, so a change to any pixel is detected before anything is decrypted.
 *
 * <p>The cover is cropped (at its native resolution where the photo is large enough, else scaled up) to the smallest
 * area that keeps the payload under {@code budget} bits per colour channel. Each embedding draws a placement nonce that
 * picks the crop's corner and, with the message id, the positions, so the same X-ray sent twice lands elsewhere.
 */
public final class SealedHiding {

    /** Default payload budget: at most half a bit per colour sample. */
    public static final double DEFAULT_BUDGET = 0.5;
    /** Largest side of a stego image this method produces. */
    public static final int DEFAULT_MAX_SIDE = 8192;

    private static final int VERSION = 1;
    private static final int TAG_BYTES = 16;
    private static final int HEADER_BYTES = 4 + TAG_BYTES;
    private static final int HEADER_BITS = HEADER_BYTES * 8;

    /**
     * A stego image and what the receiver needs, besides its keyring, to open it; {@code cover} is the cover crop it
     * was made from (for quality figures).
     */
    public record Embedded(
            BufferedImage stego,
            BufferedImage cover,
            String receivingKeyId,
            String positionsKeyId,
            String placement,
            long payloadBits,
            double bitsPerChannel,
            boolean coverScaled) {}

    /**
     * What came out of a sealed stego image: the X-ray bit for bit (decoded, and the lossless PNG it travelled as)
     * and the study reference, if one was sealed.
     */
    public record Opened(BufferedImage xray, byte[] png, Optional<String> studyRef) {}

    /**
     * Default payload budget of the covert mode: a fiftieth of a bit per colour sample, where the project's detectors
     * do little better than a guess on covers scaled below their JPEG grid (docs/security.md).
     */
    public static final double DEFAULT_COVERT_BUDGET = 0.01;
    /** Constraint height of the syndrome-trellis code of the covert mode: 128 trellis states per sample. */
    public static final int COVERT_STC_HEIGHT = 7;

    /** How the payload's bits go into the cover. */
    enum Mode {
        /** LSB matching at keyed positions of the smallest crop the budget allows. */
        SEALED("sealed"),
        /**
         * Syndrome-trellis coding over every sample of the whole cover, in keyed order, with HILL costs: the fewest
         * and least visible changes ({@link Stc}, {@link HillCosts}).
         */
        COVERT("covert");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Keyring keyring;
    private final Mode mode;
    private final double budget;
    private final int maxSide;
    private final SecureRandom random = new SecureRandom();
    /** Bytes of the placement nonce drawn for each embedding. */
    private static final int PLACEMENT_BYTES = 16;

    private static final Pattern PLACEMENT = Pattern.compile("[0-9a-f]{" + 2 * PLACEMENT_BYTES + "}");

    public SealedHiding(Keyring keyring) {
        this(keyring, DEFAULT_BUDGET, DEFAULT_MAX_SIDE);
    }

    public SealedHiding(Keyring keyring, double budget, int maxSide) {
        this(keyring, Mode.SEALED, budget, maxSide);
    }

    /**
     * The covert mode: the same sealed payload, spread by syndrome-trellis codes with HILL costs over the whole cover
     * at its native resolution, at most {@code budget} bits per colour sample (see {@link Mode#COVERT}).
     */
    public static SealedHiding covert(Keyring keyring, double budget, int maxSide) {
        return new SealedHiding(keyring, Mode.COVERT, budget, maxSide);
    }

    private SealedHiding(Keyring keyring, Mode mode, double budget, int maxSide) {
        if (!(budget > 0 && budget <= 1)) {
            throw new IllegalArgumentException("bits-per-channel budget " + budget + " must be in (0, 1]");
        }
        if (maxSide < 1) {
            throw new IllegalArgumentException("max side " + maxSide + " must be positive");
        }
        this.keyring = keyring;
        this.mode = mode;
        this.budget = budget;
        this.maxSide = maxSide;
    }

    /**
     * Hides {@code xray} in {@code cover}, sealed to {@code recipient}.
     *
     * @throws SealedException with {@link Reason#CAPACITY} if the payload needs a stego image over the size limit
     * @throws KeyringException if the keyring lacks the recipient's public or position keys
     */
    public Embedded embed(
            BufferedImage cover, BufferedImage xray, String messageId, String recipient, Optional<String> studyRef) {
        byte[] plaintext = plaintext(Png.encodeSmallest(xray), studyRef.orElse(null));
        byte[] ciphertext;
        try {
            ciphertext = keyring.encrypterFor(recipient).encrypt(plaintext, context(mode, messageId, recipient));
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot encrypt to '" + recipient + "': " + e.getMessage(), e);
        }
        PrfSet positions = keyring.positionKeysOf(recipient);
        int positionsKeyId = positions.getPrimaryId();
        long payloadBits = HEADER_BITS + 8L * ciphertext.length;

        long area = (long) Math.ceil(payloadBits / (3 * budget));
        // fresh for every embedding: the same X-ray sent twice lands in another crop, at other positions
        byte[] nonce = new byte[PLACEMENT_BYTES];
        random.nextBytes(nonce);
        String placement = HexFormat.of().formatHex(nonce);
        String placed = placed(messageId, placement);
        BufferedImage canvas = mode == Mode.COVERT ? whole(cover, payloadBits) : fit(cover, area, payloadBits, nonce);
        int w = canvas.getWidth();
        int h = canvas.getHeight();
        int slots = w * h * 3;
        int[] samples = canvas.getRaster().getPixels(0, 0, w, h, (int[]) null);
        try {
            Prf prf = prf(positions, positionsKeyId);
            KeyedPositions order = new KeyedPositions(prf, placed, w, h, slots);
            int[] headerSlots = order.next(HEADER_BITS);
            if (mode == Mode.COVERT) {
                int[] payloadSlots = order.next(slots - HEADER_BITS);
                writeCoded(samples, w, h, payloadSlots, ciphertext, stc(prf, placed, w, h));
            } else {
                int[] payloadSlots = order.next(Math.toIntExact(payloadBits - HEADER_BITS));
                writeBits(samples, payloadSlots, ciphertext);
            }
            byte[] header = ByteBuffer.allocate(HEADER_BYTES)
                    .putInt(ciphertext.length)
                    .put(tag(mode, prf, placed, w, h, ciphertext.length, samples, headerSlots))
                    .array();
            xor(
                    header,
                    prf.compute(
                            KeyedPositions.input("stego-ehealth " + mode.label + " header mask v1", placed, w, h),
                            HEADER_BYTES));
            replaceBits(samples, headerSlots, header);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("position keys of '" + recipient + "' failed: " + e.getMessage(), e);
        }
        BufferedImage stego = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        stego.getRaster().setPixels(0, 0, w, h, samples);
        return new Embedded(
                stego,
                canvas,
                keyring.receivingKeyIdOf(recipient),
                KeyIds.format(positionsKeyId),
                placement,
                payloadBits,
                (double) payloadBits / slots,
                w > cover.getWidth() || h > cover.getHeight());
    }

    /**
     * Recovers the X-ray from a sealed stego image made for this keyring.
     *
     * @param placement the embedding's placement nonce, and {@code receivingKeyId} and {@code positionsKeyId}: as
     *     returned by {@link #embed} (and carried, signed, on the stego event); {@code placement} is null only on
     *     images sealed before embeddings drew one
     * @throws SealedException {@link Reason#NOT_FOR_THIS_KEY} if the image was sealed to keys this keyring does not
     *     hold, {@link Reason#TAMPERED} if it does not authenticate
     */
    public Opened extract(
            BufferedImage stego, String messageId, String placement, String receivingKeyId, String positionsKeyId) {
        if (!keyring.receivingKeyIds().contains(receivingKeyId)) {
            throw new SealedException(
                    Reason.NOT_FOR_THIS_KEY,
                    "sealed to receiving key " + receivingKeyId
                            + ", which keyring '" + keyring.name() + "' does not hold (its keys: "
                            + String.join(",", keyring.receivingKeyIds()) + ")");
        }
        PrfSet positions = keyring.positionKeys();
        int pid;
        Prf prf;
        try {
            pid = KeyIds.parse(positionsKeyId);
            prf = positions.getPrfs().get(pid);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SealedException(Reason.TAMPERED, "position key id '" + positionsKeyId + "' is malformed");
        }
        if (prf == null) {
            throw new SealedException(
                    Reason.NOT_FOR_THIS_KEY,
                    "positions drawn with key " + positionsKeyId + ", which keyring '" + keyring.name()
                            + "' does not hold");
        }
        Raster raster = stego.getRaster();
        if (raster.getNumBands() != 3 || raster.getSampleModel().getSampleSize(0) != 8) {
            throw new SealedException(
                    Reason.TAMPERED,
                    "stego image is not 8-bit RGB (" + raster.getNumBands() + " bands of "
                            + raster.getSampleModel().getSampleSize(0) + " bits)");
        }
        int w = stego.getWidth();
        int h = stego.getHeight();
        long slots = 3L * w * h;
        if (slots < HEADER_BITS || slots > Integer.MAX_VALUE) {
            throw new SealedException(Reason.TAMPERED, "stego image " + w + "x" + h + " cannot hold a sealed payload");
        }
        if (placement != null && !PLACEMENT.matcher(placement).matches()) {
            throw new SealedException(Reason.TAMPERED, "placement '" + placement + "' is malformed");
        }
        String placed = placed(messageId, placement);
        int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
        try {
            KeyedPositions order = new KeyedPositions(prf, placed, w, h, (int) slots);
            int[] headerSlots = order.next(HEADER_BITS);
            byte[] header = readBits(samples, headerSlots, HEADER_BYTES);
            xor(
                    header,
                    prf.compute(
                            KeyedPositions.input("stego-ehealth " + mode.label + " header mask v1", placed, w, h),
                            HEADER_BYTES));
            ByteBuffer hb = ByteBuffer.wrap(header);
            int length = hb.getInt();
            byte[] storedTag = new byte[TAG_BYTES];
            hb.get(storedTag);
            if (length <= 0 || HEADER_BITS + 8L * length > slots) {
                throw new SealedException(
                        Reason.TAMPERED,
                        "sealed header is damaged (payload length " + length + " does not fit a " + w + "x" + h
                                + " image), or the message id was changed");
            }
            if (!MessageDigest.isEqual(storedTag, tag(mode, prf, placed, w, h, length, samples, headerSlots))) {
                throw new SealedException(
                        Reason.TAMPERED,
                        "stego image does not authenticate: pixels, size or"
                                + " message id were changed after sealing");
            }
            byte[] ciphertext = mode == Mode.COVERT
                    ? readCoded(samples, order.next((int) slots - HEADER_BITS), length, stc(prf, placed, w, h))
                    : readBits(samples, order.next(8 * length), length);
            byte[] plaintext;
            try {
                plaintext = keyring.decrypter().decrypt(ciphertext, context(mode, messageId, keyring.name()));
            } catch (GeneralSecurityException e) {
                throw new SealedException(
                        Reason.TAMPERED,
                        "sealed payload does not decrypt with receiving key " + receivingKeyId
                                + " (altered, or sealed for another message id)",
                        e);
            }
            return open(plaintext);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("position key " + positionsKeyId + " failed: " + e.getMessage(), e);
        }
    }

    /** The most payload bits per colour sample this method writes. */
    public double budget() {
        return budget;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * What draws the positions, the header mask and the tag: the message id and, on images sealed with one, the
     * embedding's placement nonce (hex), so that each embedding of a message has positions of its own.
     */
    private static String placed(String messageId, String placement) {
        return placement == null ? messageId : messageId + "/" + placement;
    }

    /** The HPKE context: the mode, the message and the clinic it is for, so a payload opens only as sent. */
    private static byte[] context(Mode mode, String messageId, String clinic) {
        return Canonical.of(mode == Mode.SEALED ? "stego-ehealth sealed image v2" : "stego-ehealth covert image v1")
                .text(messageId)
                .text(clinic)
                .toByteArray();
    }

    private static byte[] plaintext(byte[] png, String studyRef) {
        byte[] ref = studyRef == null ? new byte[0] : studyRef.getBytes(StandardCharsets.UTF_8);
        if (ref.length > 0xffff) {
            throw new IllegalArgumentException("study reference of " + ref.length + " bytes is too long");
        }
        return ByteBuffer.allocate(1 + 1 + 2 + ref.length + png.length)
                .put((byte) VERSION)
                .put((byte) (studyRef == null ? 0 : 1))
                .putShort((short) ref.length)
                .put(ref)
                .put(png)
                .array();
    }

    private static Opened open(byte[] plaintext) {
        ByteBuffer b = ByteBuffer.wrap(plaintext);
        if (b.remaining() < 4 || b.get() != VERSION) {
            throw new SealedException(Reason.TAMPERED, "sealed payload has an unknown layout");
        }
        boolean hasRef = b.get() != 0;
        byte[] ref = new byte[b.getShort() & 0xffff];
        b.get(ref);
        byte[] png = new byte[b.remaining()];
        b.get(png);
        BufferedImage xray;
        try {
            xray = Png.decode(png);
        } catch (IOException e) {
            xray = null;
        }
        if (xray == null) {
            throw new SealedException(Reason.TAMPERED, "sealed payload holds no readable X-ray");
        }
        return new Opened(xray, png, hasRef ? Optional.of(new String(ref, StandardCharsets.UTF_8)) : Optional.empty());
    }

    /**
     * The cover area the payload needs, as an RGB image: a centred crop of the cover with its aspect ratio at native
     * resolution when the cover is large enough, else the whole cover scaled up.
     */
    private BufferedImage fit(BufferedImage cover, long area, long payloadBits, byte[] nonce) {
        double aspect = (double) cover.getWidth() / cover.getHeight();
        int w = (int) Math.max(1, Math.ceil(Math.sqrt(area * aspect)));
        int h = (int) Math.max(1, Math.ceil((double) area / w));
        if (w > maxSide || h > maxSide) {
            throw new SealedException(
                    Reason.CAPACITY,
                    "sealed payload of " + payloadBits + " bits needs a " + w + "x" + h + " stego image at " + budget
                            + " bits per channel, over the " + maxSide + " px limit");
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            if (w <= cover.getWidth() && h <= cover.getHeight()) {
                // the crop's corner is drawn from the placement nonce, so each embedding has a crop of its own
                ByteBuffer corner = ByteBuffer.wrap(nonce);
                int x = Math.floorMod(corner.getInt(), cover.getWidth() - w + 1);
                int y = Math.floorMod(corner.getInt(), cover.getHeight() - h + 1);
                g.drawImage(cover, 0, 0, w, h, x, y, x + w, y + h, null);
            } else {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
                // scale the cover up until the crop fits, then take the centred crop
                double s = Math.max((double) w / cover.getWidth(), (double) h / cover.getHeight());
                int sw = (int) Math.ceil(cover.getWidth() * s);
                int sh = (int) Math.ceil(cover.getHeight() * s);
                g.drawImage(cover, -(sw - w) / 2, -(sh - h) / 2, sw, sh, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The covert mode's canvas: the whole cover at its native resolution, as 8-bit RGB.
     *
     * @throws SealedException {@link Reason#CAPACITY} when the payload is over the budget for this cover
     */
    private BufferedImage whole(BufferedImage cover, long payloadBits) {
        int w = cover.getWidth();
        int h = cover.getHeight();
        if (w > maxSide || h > maxSide) {
            throw new SealedException(
                    Reason.CAPACITY, "cover " + w + "x" + h + " is over the " + maxSide + " px limit");
        }
        long capacity = (long) Math.floor(3L * w * h * budget);
        if (payloadBits > capacity) {
            throw new SealedException(
                    Reason.CAPACITY,
                    "covert payload of " + payloadBits + " bits needs " + (long) Math.ceil(payloadBits / (3 * budget))
                            + " pixels at " + budget + " bits per channel; the " + w + "x" + h
                            + " cover has " + (long) w * h);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(cover, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The covert mode's code: its submatrix drawn from the position key, so only the key holders share it. */
    private static Stc stc(Prf prf, String placed, int w, int h) throws GeneralSecurityException {
        byte[] seed = prf.compute(KeyedPositions.input("stego-ehealth covert code v1", placed, w, h), Long.BYTES);
        return new Stc(COVERT_STC_HEIGHT, ByteBuffer.wrap(seed).getLong());
    }

    /** The covert mode's writing: {@code data} by {@link AdaptiveEmbedding}, bit by bit, most significant first. */
    private void writeCoded(int[] samples, int w, int h, int[] slots, byte[] data, Stc stc) {
        byte[] message = new byte[8 * data.length];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ((data[i >>> 3] >>> (7 - (i & 7))) & 1);
        }
        AdaptiveEmbedding.write(samples, w, h, slots, message, stc, random);
    }

    /** The covert mode's reading: the syndrome of the LSBs of {@code slots}, {@code bytes} long. */
    private static byte[] readCoded(int[] samples, int[] slots, int bytes, Stc stc) {
        byte[] bits = new byte[slots.length];
        for (int i = 0; i < slots.length; i++) {
            bits[i] = (byte) (samples[slots[i]] & 1);
        }
        byte[] message = stc.extract(bits, 8 * bytes);
        byte[] out = new byte[bytes];
        for (int i = 0; i < message.length; i++) {
            out[i >>> 3] |= (byte) (message[i] << (7 - (i & 7)));
        }
        return out;
    }

    /** LSB matching: where a sample's LSB differs from the bit, move the sample by +-1 at random. */
    private void writeBits(int[] samples, int[] slots, byte[] data) {
        byte[] signs = new byte[(slots.length + 7) / 8];
        random.nextBytes(signs);
        for (int i = 0; i < slots.length; i++) {
            int bit = (data[i >>> 3] >>> (7 - (i & 7))) & 1;
            int s = slots[i];
            int v = samples[s];
            if ((v & 1) != bit) {
                boolean up = ((signs[i >>> 3] >>> (i & 7)) & 1) != 0;
                samples[s] = v == 0 ? 1 : v == 255 ? 254 : v + (up ? 1 : -1);
            }
        }
    }

    /**
     * LSB replacement for the header's 160 samples: only their LSB changes, so the tag can cover their other bits
     * (a +-1 step could carry into them).
     */
    private static void replaceBits(int[] samples, int[] slots, byte[] data) {
        for (int i = 0; i < slots.length; i++) {
            int bit = (data[i >>> 3] >>> (7 - (i & 7))) & 1;
            samples[slots[i]] = (samples[slots[i]] & ~1) | bit;
        }
    }

    private static byte[] readBits(int[] samples, int[] slots, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes * 8; i++) {
            out[i >>> 3] |= (byte) ((samples[slots[i]] & 1) << (7 - (i & 7)));
        }
        return out;
    }

    /** PRF tag over the message id, geometry, payload length and every sample (header LSBs left out). */
    private static byte[] tag(
            Mode mode, Prf prf, String messageId, int w, int h, int length, int[] samples, int[] headerSlots)
            throws GeneralSecurityException {
        byte[] label = KeyedPositions.input("stego-ehealth " + mode.label + " tag v1", messageId, w, h);
        byte[] in = new byte[label.length + 4 + samples.length];
        System.arraycopy(label, 0, in, 0, label.length);
        ByteBuffer.wrap(in, label.length, 4).putInt(length);
        int off = label.length + 4;
        for (int i = 0; i < samples.length; i++) {
            in[off + i] = (byte) samples[i];
        }
        for (int s : headerSlots) {
            in[off + s] &= (byte) 0xfe;
        }
        return prf.compute(in, TAG_BYTES);
    }

    private static Prf prf(PrfSet set, int id) throws GeneralSecurityException {
        Map<Integer, Prf> prfs = set.getPrfs();
        return prfs.get(id);
    }

    private static void xor(byte[] a, byte[] mask) {
        for (int i = 0; i < a.length; i++) {
            a[i] ^= mask[i];
        }
    }
}
