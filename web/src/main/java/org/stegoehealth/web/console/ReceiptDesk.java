package org.stegoehealth.web.console;

import java.time.Duration;
import org.stegoehealth.processors.receipts.ReceiptLedger;

/**
 * The console's receipts: read from the hospital's cluster at each request by the same {@link ReceiptLedger} as
 * {@code stego receipts}, so the page and the command show the same figures.
 */
@FunctionalInterface
public interface ReceiptDesk {

    /** The receipts now, a study overdue after {@code overdueAfter} without a RECOVERED receipt. */
    ReceiptLedger.Reading read(Duration overdueAfter);
}
