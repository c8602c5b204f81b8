/** {@code stego cluster-security}: TLS, SASL/SCRAM users and catalog ACLs for brokers started from files. */
package org.stegoehealth.ops.clustersecurity;
