package org.stegoehealth.web.viewer;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.Receipts;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;

/**
 * The clinic's REVIEWED receipts: one per study, signed with the clinic's key ({@link Receipts}) and written to the
 * clinic's receipts topic the first time a signed-in clinician opens a recovered study. The studies reviewed before
 * are read back from that topic ({@link ClinicFeed}), so a restart of the viewer sends none again; a failed study is
 * never acknowledged. When the receipt cannot be written the study stays unreviewed (the next opening tries again) and
 * the clinician still sees it.
 */
public final class Reviews {

    private static final Logger LOG = LoggerFactory.getLogger(Reviews.class);

    private final Receipts.Issuer issuer;
    private final Consumer<ReceiptEvent> sink;
    private final Clock clock;
    private final Set<String> reviewed = ConcurrentHashMap.newKeySet();

    /** @param sink writes one receipt, acknowledged, to the receipts topic; throws when it cannot */
    public Reviews(Receipts.Issuer issuer, Consumer<ReceiptEvent> sink, Clock clock) {
        this.issuer = issuer;
        this.sink = sink;
        this.clock = clock;
    }

    /** Notes a REVIEWED receipt found on the receipts topic: its study is not acknowledged again. */
    public void reviewedBefore(String messageId) {
        reviewed.add(messageId);
    }

    /** Whether {@code messageId} has a REVIEWED receipt. */
    public boolean isReviewed(String messageId) {
        return reviewed.contains(messageId);
    }

    /** {@code user} opened {@code study}: its REVIEWED receipt, if it is the first opening of a recovered study. */
    public void opened(Study study, String user) {
        if (study.isFailed() || !reviewed.add(study.messageId())) {
            return;
        }
        try {
            sink.accept(issuer.issue(
                    ReceiptKind.REVIEWED,
                    study.messageId(),
                    clock.instant(),
                    user,
                    study.method(),
                    study.modelVersion(),
                    study.studyRef()));
        } catch (RuntimeException e) {
            reviewed.remove(study.messageId());
            LOG.warn(
                    "no REVIEWED receipt for {} yet (tried again at its next opening): {}",
                    study.messageId(),
                    e.getMessage());
        }
    }
}
