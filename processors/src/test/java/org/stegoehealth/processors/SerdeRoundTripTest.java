package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

class SerdeRoundTripTest {

    private final Topics topics = new Topics("rt.", new InMemorySchemaRegistry(), 1);

    private <V> V roundTrip(TopicSpec<String, V> spec, V value) {
        byte[] bytes = spec.valueSerde().serializer().serialize(spec.name(), value);
        assertEquals(0, bytes[0], "Confluent magic byte");
        return spec.valueSerde().deserializer().deserialize(spec.name(), bytes);
    }

    @Test
    void everyEventTheProcessorsWriteSurvivesItsSerde() {
        XrayImageEvent xray = TestImages.xray("id-1", TestImages.grayXray(16, 16, 1));
        assertEquals(xray, roundTrip(topics.xrays, xray));
        StegoImageEvent stego = StegoImageEvent.newBuilder()
                .setMessageId("id-1")
                .setModelVersion("v1")
                .setWidth(16)
                .setHeight(16)
                .setSecretChannels(1)
                .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setCreatedAt(Instant.ofEpochMilli(5))
                .setHidingMethod("sealed")
                .setSigningKeyId("0badcafe")
                .setReceivingKeyId("12345678")
                .setPositionsKeyId("9abcdef0")
                .setSealedStudyRef(ByteBuffer.wrap(new byte[] {7}))
                .setSignature(ByteBuffer.wrap(new byte[] {8}))
                .build();
        assertEquals(stego, roundTrip(topics.stego, stego));
        RecoveredImageEvent recovered = RecoveredImageEvent.newBuilder()
                .setMessageId("id-1")
                .setModelVersion("v1")
                .setWidth(16)
                .setHeight(16)
                .setChannels(1)
                .setImage(ByteBuffer.wrap(new byte[] {4}))
                .setRecoveredAt(Instant.ofEpochMilli(6))
                .setBitDepth(16)
                .setStudyRef("S-1")
                .build();
        assertEquals(recovered, roundTrip(topics.recovered, recovered));
        InputRecord in = new InputRecord("t", 2, 42, 7, null, new byte[] {9, 8}, 11, null);
        DeadLetterEvent dead = DeadLetters.of(in, ErrorType.DECODE, "broken", "app", 99);
        DeadLetterEvent back = roundTrip(topics.deadLetters, dead);
        assertEquals(dead, back);
        assertEquals(null, back.getKey());
        assertEquals("t", back.getSourceTopic());
    }

    @Test
    void bufferedRecordsSurviveTheirBinaryForm() {
        InputRecord r =
                new InputRecord("topic-ü", 3, 1234567890123L, -1, "k".getBytes(), new byte[1000], 77, "cover-1");
        InputRecord back = InputRecord.fromBytes(r.toBytes());
        assertEquals(r.topic(), back.topic());
        assertEquals(r.partition(), back.partition());
        assertEquals(r.offset(), back.offset());
        assertEquals(r.timestamp(), back.timestamp());
        assertArrayEquals(r.key(), back.key());
        assertArrayEquals(r.value(), back.value());
        assertEquals(77, back.enqueuedAtMs());
        assertEquals("cover-1", back.coverId());
        InputRecord empty = InputRecord.fromBytes(new InputRecord("t", 0, 0, 0, null, null, 0, null).toBytes());
        assertEquals(null, empty.key());
        assertEquals(null, empty.value());
        assertEquals(null, empty.coverId());
    }

    @Test
    void coverFittingCropsToTheTargetAspectThenResizes() {
        FloatImage tall = new FloatImage(10, 40, 1, new float[400]);
        FloatImage fitted = CoverFitting.fit(tall, 20, 20);
        assertEquals(20, fitted.width());
        assertEquals(20, fitted.height());
        assertEquals(3, fitted.channels());
    }
}
