/** The whole hospital-to-clinic pipeline run in one process on the embedded stack, as the demo, the benchmarks and the chaos run use it. */
package org.stegoehealth.stack.pipeline;
