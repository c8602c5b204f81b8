/** {@code stego replay}: real traffic from the X-ray topic through model versions offline, side by side. */
package org.stegoehealth.lab.replay;
