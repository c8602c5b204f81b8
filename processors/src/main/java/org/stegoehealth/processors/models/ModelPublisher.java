package org.stegoehealth.processors.models;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Signer;

/**
 * Writes signed model events, promotions and training-round records, each confirmed by the broker before the call
 * returns (a model that is not on the topic has not been published).
 */
public final class ModelPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);
    private static final long TIMEOUT_S = 60;

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final Signer signer;
    private final Keyring keyring;
    private final List<String> sealTo;
    private final String by;
    private final Clock clock;

    /**
     * @param producerConfig producer settings ({@code StreamsConfigs.producer}); records up to the model size
     * @param by             who publishes (a user or service name), recorded in every event
     */
    public ModelPublisher(Properties producerConfig, Topics topics, Signer signer, String by, Clock clock) {
        this(producerConfig, topics, signer, null, List.of(), by, clock);
    }

    /**
     * As above, signing with {@code keyring}; with parties in {@code sealTo} every model is published private: its
     * weights sealed to those parties and to the keyring's own party ({@link ModelEvents#sealed}), never in clear.
     */
    public ModelPublisher(
            Properties producerConfig, Topics topics, Keyring keyring, List<String> sealTo, String by, Clock clock) {
        this(producerConfig, topics, keyring.signer(), keyring, sealTo, by, clock);
    }

    private ModelPublisher(
            Properties producerConfig,
            Topics topics,
            Signer signer,
            Keyring keyring,
            List<String> sealTo,
            String by,
            Clock clock) {
        if (!sealTo.isEmpty()) {
            // every party named must be known before anything is sent
            sealTo.forEach(keyring::receivingKeyIdOf);
        }
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.signer = signer;
        this.keyring = keyring;
        this.sealTo = sealTo.isEmpty() ? List.of() : sealedParties(keyring.name(), sealTo);
        this.by = by;
        this.clock = clock;
    }

    private static List<String> sealedParties(String self, List<String> others) {
        List<String> parties = new ArrayList<>();
        parties.add(self);
        others.stream().filter(p -> !p.equals(self)).forEach(parties::add);
        return List.copyOf(parties);
    }

    /** The event as published: sealed when this publisher publishes private models. */
    private ModelEvent sealedIfPrivate(ModelEvent event) {
        return sealTo.isEmpty() ? event : ModelEvents.sealed(event, keyring, sealTo);
    }

    /** Publishes the artifact in {@code dir} (fine-tuned from {@code parent}, or null) and returns its event. */
    public ModelEvent publish(Path dir, String parent) {
        ModelEvent event = sealedIfPrivate(ModelEvents.fromArtifact(dir, parent, by, clock.instant(), signer));
        send(topics.models, Topics.modelKey(event), event);
        LOG.info(
                "published model {} ({}, sha256 {})",
                event.getVersion(),
                sealTo.isEmpty()
                        ? event.getWeights().remaining() + " bytes of weights"
                        : "private: weights sealed to " + sealTo,
                event.getWeightsSha256());
        return event;
    }

    /** Republishes the artifact in {@code dir} (as received: parent unchanged) with status RETIRED. */
    public ModelEvent retire(Path dir, String parent, String reason) {
        ModelEvent event = ModelEvents.fromArtifact(dir, parent, by, clock.instant(), signer);
        ModelEvent retired = sealedIfPrivate(
                ModelEvents.withStatus(event, ModelStatus.RETIRED, reason, by, clock.instant(), signer));
        send(topics.models, Topics.modelKey(retired), retired);
        LOG.info("retired model {}", retired.getVersion());
        return retired;
    }

    /** Promotes a version: embedders switch to it at their next batch. */
    public ModelPromotionEvent promote(String version, String reason) {
        ModelPromotionEvent event = ModelEvents.promotion(version, reason, by, clock.instant(), signer);
        send(topics.promotions, Topics.promotionKey(event), event);
        LOG.info("promoted model {}: {}", version, reason);
        return event;
    }

    /** Records a round of the periodic trainer. */
    public void record(TrainingRoundEvent round) {
        send(topics.trainingRounds, round.getRoundId(), round);
    }

    private <V> RecordMetadata send(TopicSpec<String, V> spec, String key, V value) {
        byte[] bytes = spec.valueSerde().serializer().serialize(spec.name(), value);
        try {
            return producer.send(new ProducerRecord<>(spec.name(), key, bytes)).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ModelTopicException(
                    "cannot write to " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ModelTopicException("writing to " + spec.name() + " took over " + TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelTopicException("interrupted while writing to " + spec.name(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
