/** Topic administration: the topic catalog made real on a cluster, idempotently. */
package org.stegoehealth.ops.topics;
