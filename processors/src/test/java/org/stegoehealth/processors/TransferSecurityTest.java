package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.TransferSecurity.Site;
import org.stegoehealth.security.Keyring;

/** Who the hospital is, as each site resolves {@code hospital.id}. */
class TransferSecurityTest {

    @TempDir
    Path dir;

    private static StegoConfig hospitalId(String name) {
        return StegoConfig.defaultsOnly().with(Map.of(StegoConfig.HOSPITAL_ID, name));
    }

    @Test
    void hospitalOf_defaultsToThisKeyringAtTheHospital_andToTheOneTrustedPartyAtAClinic() {
        Keyring hospital = Keyring.init(dir.resolve("h"), "hospital");
        Keyring clinic = Keyring.init(dir.resolve("c"), "clinic-a")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring();
        Keyring hospitalWithClinic = hospital.importPublic(
                        clinic.exportPublic(Optional.empty()), "clinic-a.pub.json", false)
                .keyring();
        StegoConfig none = StegoConfig.defaultsOnly();

        assertEquals("hospital", TransferSecurity.hospitalOf(hospitalWithClinic, none, Site.HOSPITAL));
        assertEquals("hospital", TransferSecurity.hospitalOf(clinic, none, Site.CLINIC));
        assertEquals("hospital", TransferSecurity.hospitalOf(hospitalWithClinic, none, Site.EITHER));
        assertEquals("clinic-a", TransferSecurity.hospitalOf(clinic, none, Site.EITHER));
        assertEquals("hospital", TransferSecurity.hospitalOf(clinic, hospitalId("hospital"), Site.EITHER));
        assertEquals("hospital", TransferSecurity.hospitalOf(clinic, hospitalId("hospital"), Site.CLINIC));
    }

    @Test
    void hospitalOf_aClinicTrustingSeveralParties_needsHospitalId_andNeverTakesItsOwnKeyOrAnUnknownParty() {
        Keyring hospital = Keyring.init(dir.resolve("h"), "hospital");
        Keyring clinicB = Keyring.init(dir.resolve("b"), "clinic-b");
        Keyring clinic = Keyring.init(dir.resolve("c"), "clinic-a")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring()
                .importPublic(clinicB.exportPublic(Optional.empty()), "clinic-b.pub.json", false)
                .keyring();
        Keyring alone = Keyring.init(dir.resolve("alone"), "clinic-z");

        IllegalArgumentException several = assertThrows(
                IllegalArgumentException.class,
                () -> TransferSecurity.hospitalOf(clinic, StegoConfig.defaultsOnly(), Site.CLINIC));
        assertEquals(
                "keyring 'clinic-a' trusts clinic-b, hospital: set hospital.id (STEGO_HOSPITAL_ID) to the hospital's"
                        + " keyring name, the only party trusted to sign stego and model events",
                several.getMessage());
        assertEquals("hospital", TransferSecurity.hospitalOf(clinic, hospitalId("hospital"), Site.CLINIC));
        IllegalArgumentException own = assertThrows(
                IllegalArgumentException.class,
                () -> TransferSecurity.hospitalOf(clinic, hospitalId("clinic-a"), Site.CLINIC));
        assertTrue(own.getMessage().contains("names this clinic's own keyring"), own.getMessage());
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class,
                () -> TransferSecurity.hospitalOf(clinic, hospitalId("hospital-x"), Site.CLINIC));
        assertTrue(unknown.getMessage().contains("holds no public keys of 'hospital-x'"), unknown.getMessage());
        IllegalArgumentException nobody = assertThrows(
                IllegalArgumentException.class,
                () -> TransferSecurity.hospitalOf(alone, StegoConfig.defaultsOnly(), Site.CLINIC));
        assertTrue(nobody.getMessage().contains("trusts no hospital"), nobody.getMessage());
        IllegalArgumentException notSelf = assertThrows(
                IllegalArgumentException.class,
                () -> TransferSecurity.hospitalOf(hospital, hospitalId("clinic-a"), Site.HOSPITAL));
        assertTrue(notSelf.getMessage().contains("signs with keyring 'hospital'"), notSelf.getMessage());
    }

    @Test
    void embedder_withoutAClinic_isRefusedWithOneLine() {
        Keyring hospital = Keyring.init(dir.resolve("h"), "hospital");
        TransferSecurity security =
                TransferSecurity.of(hospital, StegoConfig.defaultsOnly(), TransferSecurity.Site.HOSPITAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, security::checkedForEmbedder);
        assertTrue(e.getMessage().startsWith("the embedder needs clinic.id"), e.getMessage());
    }
}
