package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.schemas.CoverImageEvent;

/**
 * The cover library as the embedder sees it: a global store (cover id -> the cover record's original bytes) fed by
 * the compacted cover topic. The store keeps the topic's bytes as they are, because Kafka Streams restores a global
 * store straight from the topic; covers are therefore decoded when used, and an unreadable one is reported then.
 */
public final class CoverLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(CoverLibrary.class);

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final Deserializer<CoverImageEvent> deserializer;
    private final String topic;
    private final int maxSide;

    CoverLibrary(
            ReadOnlyKeyValueStore<String, byte[]> store,
            Deserializer<CoverImageEvent> deserializer,
            String topic,
            int maxSide) {
        this.store = store;
        this.deserializer = deserializer;
        this.topic = topic;
        this.maxSide = maxSide;
    }

    /**
     * The cover for an X-ray: the one it names, or else a deterministic pick from {@code messageId}: the cover ids
     * sorted as strings, indexed by the first 8 bytes of SHA-256(messageId) modulo their count. The same message
     * against the same library always gets the same cover.
     *
     * @throws RecordRejectedException UNKNOWN_COVER when the named cover is absent or the library is empty
     */
    String choose(String namedCover, String messageId) {
        if (namedCover != null) {
            if (store.get(namedCover) == null) {
                throw new RecordRejectedException(
                        ErrorType.UNKNOWN_COVER, "cover '" + namedCover + "' is not in the cover library");
            }
            return namedCover;
        }
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                ids.add(it.next().key);
            }
        }
        if (ids.isEmpty()) {
            throw new RecordRejectedException(
                    ErrorType.UNKNOWN_COVER, "the cover library is empty; publish covers first");
        }
        return chooseAmong(ids, messageId);
    }

    /**
     * The cover an X-ray without a named cover gets: a pick from the sorted cover ids that depends only on its
     * message id, so every replay of the X-ray pairs it with the same cover.
     */
    public static String chooseAmong(Collection<String> coverIds, String messageId) {
        List<String> sorted = coverIds.stream().sorted().toList();
        return sorted.get(pick(messageId, sorted.size()));
    }

    static int pick(String messageId, int count) {
        byte[] h = MessageIds.sha256(messageId.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return (int) Math.floorMod(v, (long) count);
    }

    /** Fitted covers recently used, keyed by cover id, geometry and content: decoding a photo costs more than hiding. */
    private final Map<String, FloatImage> fittedCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FloatImage> eldest) {
            return size() > FITTED_CACHE_SIZE;
        }
    };

    private static final int FITTED_CACHE_SIZE = 16;

    /** The cover, fitted to {@code width x height} (see {@link CoverFitting}). */
    FloatImage fitted(String coverId, int width, int height) {
        byte[] bytes = store.get(coverId);
        if (bytes == null) {
            throw new RecordRejectedException(
                    ErrorType.UNKNOWN_COVER, "cover '" + coverId + "' is no longer in the cover library");
        }
        String key = coverId + '\u0000' + width + 'x' + height + '\u0000' + bytes.length + ':' + Arrays.hashCode(bytes);
        FloatImage cached = fittedCache.get(key);
        if (cached == null) {
            cached = decodeAndFit(coverId, bytes, width, height);
            fittedCache.put(key, cached);
        }
        return cached;
    }

    /** Native covers recently used (the sealed method crops them at their own resolution). */
    private final Map<String, BufferedImage> nativeCache = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BufferedImage> eldest) {
            return size() > NATIVE_CACHE_SIZE;
        }
    };

    private static final int NATIVE_CACHE_SIZE = 4;

    /** The cover as published, decoded at its own resolution. */
    BufferedImage original(String coverId) {
        byte[] bytes = store.get(coverId);
        if (bytes == null) {
            throw new RecordRejectedException(
                    ErrorType.UNKNOWN_COVER, "cover '" + coverId + "' is no longer in the cover library");
        }
        String key = coverId + '\u0000' + bytes.length + ':' + Arrays.hashCode(bytes);
        BufferedImage cached = nativeCache.get(key);
        if (cached == null) {
            cached = decode(coverId, bytes);
            nativeCache.put(key, cached);
        }
        return cached;
    }

    /** Covert covers recently used ({@link CovertCovers#prepared}: scaling a photo costs about as much as hiding). */
    private final Map<String, BufferedImage> covertCache = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BufferedImage> eldest) {
            return size() > NATIVE_CACHE_SIZE;
        }
    };

    /**
     * The cover prepared for the covert method: scaled to a shorter side of {@code side} ({@link CovertCovers}).
     *
     * @throws RecordRejectedException CAPACITY when the photo is unfit for it
     */
    BufferedImage covert(String coverId, int side) {
        BufferedImage photo = original(coverId);
        String key = coverId + '\u0000' + side + '\u0000' + System.identityHashCode(photo);
        BufferedImage cached = covertCache.get(key);
        if (cached == null) {
            cached = CovertCovers.prepared(photo, coverId, side);
            covertCache.put(key, cached);
        }
        return cached;
    }

    private FloatImage decodeAndFit(String coverId, byte[] bytes, int width, int height) {
        return CoverFitting.fit(FloatImage.of(decode(coverId, bytes)), width, height);
    }

    private BufferedImage decode(String coverId, byte[] bytes) {
        CoverImageEvent cover;
        try {
            cover = Deserialization.deserialize(deserializer, topic, bytes);
        } catch (RecordRejectedException e) {
            throw new RecordRejectedException(
                    ErrorType.UNKNOWN_COVER, "cover '" + coverId + "' is unreadable: " + e.getMessage(), e);
        }
        InputImages.Decoded image;
        try {
            image = InputImages.decode(InputImages.bytes(cover.getImage()), "cover '" + coverId + "'", maxSide);
        } catch (RecordRejectedException e) {
            throw new RecordRejectedException(ErrorType.UNKNOWN_COVER, "unusable " + e.getMessage(), e);
        }
        return image.image();
    }

    /** Keeps the global store in step with the cover topic: puts valid covers, deletes on tombstones. */
    static final class Updater implements Processor<String, byte[], Void, Void> {
        private final String storeName;
        private final Deserializer<CoverImageEvent> deserializer;
        private final String topic;
        private KeyValueStore<String, byte[]> store;

        Updater(String storeName, Deserializer<CoverImageEvent> deserializer, String topic) {
            this.storeName = storeName;
            this.deserializer = deserializer;
            this.topic = topic;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            String id = record.key();
            if (id == null) {
                LOG.warn("ignored a cover record without a key on {}", topic);
                return;
            }
            if (record.value() == null) {
                store.delete(id);
                LOG.info("cover '{}' removed from the cover library", id);
                return;
            }
            try {
                // an unreachable registry propagates: the library must not silently lose a cover
                CoverImageEvent cover = Deserialization.deserialize(deserializer, topic, record.value());
                if (!id.equals(cover.getCoverId())) {
                    LOG.warn("cover record keyed '{}' names itself '{}'; stored under its key", id, cover.getCoverId());
                }
                store.put(id, record.value());
            } catch (RecordRejectedException e) {
                LOG.warn("ignored unreadable cover record '{}' on {}: {}", id, topic, e.getMessage());
            }
        }
    }
}
