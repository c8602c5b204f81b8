/**
 * The hospital's view of the clinics' receipts: which studies each clinic acknowledged (RECOVERED) and reviewed, and
 * which are overdue. {@link org.stegoehealth.processors.receipts.ReceiptStatus} computes it from what was sent and the
 * receipts that verify; {@link org.stegoehealth.processors.receipts.ReceiptLedger} reads both from the hospital's
 * cluster. {@code stego receipts} and the hospital console's receipts page show the same figures.
 */
package org.stegoehealth.processors.receipts;
