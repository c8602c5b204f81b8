/** {@code stego bench}: throughput of the hiding network, of the sealed method and of the whole pipeline, with the figures each benchmark reports. */
package org.stegoehealth.lab.bench;
