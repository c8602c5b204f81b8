/** Topic administration for the operator commands, the lab and the embedded stack: creating the catalog's topics and reading a range of records. */
package org.stegoehealth.processors.admin;
