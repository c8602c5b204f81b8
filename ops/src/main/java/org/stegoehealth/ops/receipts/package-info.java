/** {@code stego receipts}: at the hospital, what each clinic acknowledged and reviewed, and what is overdue. */
package org.stegoehealth.ops.receipts;
