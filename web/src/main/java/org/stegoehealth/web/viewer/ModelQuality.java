package org.stegoehealth.web.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.schemas.ModelEvent;

/**
 * The held-out quality of each model version, from the model events on the clinic's model topic: the secret PSNR
 * that training measured on held-out X-rays ({@code validation.secretPsnr} of the artifact's {@code model.json}).
 * Only events whose signature verifies against the hospital's keys are believed.
 */
public final class ModelQuality {

    private static final Logger LOG = LoggerFactory.getLogger(ModelQuality.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClinicTrust trust;
    private final Map<String, Double> secretPsnr = new ConcurrentHashMap<>();

    public ModelQuality(ClinicTrust trust) {
        this.trust = trust;
    }

    /** Takes the quality from one model event (keyed {@code key}); one that does not verify is ignored. */
    public void accept(String key, ModelEvent event) {
        if (trust.signaturesChecked()) {
            try {
                ModelEvents.verify(
                        key,
                        event,
                        trust.modelSigners().orElseThrow(),
                        trust.keyring().orElse(null));
            } catch (RuntimeException e) {
                LOG.warn("model event {} ignored: {}", key, e.getMessage());
                return;
            }
        }
        try {
            JsonNode psnr =
                    JSON.readTree(event.getMetadataJson()).path("validation").path("secretPsnr");
            if (psnr.isNumber()) {
                secretPsnr.put(event.getVersion(), psnr.asDouble());
            }
        } catch (java.io.IOException e) {
            LOG.warn("model event {}: model.json is not JSON ({})", key, e.getMessage());
        }
    }

    /** Records a version's held-out secret PSNR directly (tests, and artifacts known otherwise). */
    public void put(String version, double psnr) {
        secretPsnr.put(version, psnr);
    }

    public OptionalDouble secretPsnr(String version) {
        Double v = version == null ? null : secretPsnr.get(version);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public ClinicTrust trust() {
        return trust;
    }

    Optional<String> hospital() {
        return trust.hospital();
    }
}
