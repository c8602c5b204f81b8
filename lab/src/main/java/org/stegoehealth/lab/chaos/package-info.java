/** {@code stego chaos}: the pipeline run while its processes are killed and restarted, checked afterwards for exactly-once delivery. */
package org.stegoehealth.lab.chaos;
