package org.stegoehealth.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.KafkaSecurity.Principal;

class AccessControlTest {

    private static final Topics TOPICS = new Topics("p-", new HttpSchemaRegistryClient("http://127.0.0.1:1"), 1);
    private static final List<AclBinding> ACLS = AccessControl.bindings(TOPICS, "emb", "ext");

    private static final List<AclBinding> HOSPITAL = AccessControl.hospitalBindings(TOPICS, "emb");
    private static final List<AclBinding> CLINIC = AccessControl.clinicBindings(TOPICS, "ext");

    /** "topic:operation" of every literal topic grant to {@code principal}. */
    private static Set<String> topicGrants(Principal principal) {
        return topicGrants(ACLS, principal);
    }

    private static Set<String> topicGrants(List<AclBinding> acls, Principal principal) {
        return grants(acls, principal, ResourceType.TOPIC);
    }

    /** "name:operation" of every literal grant of {@code type} to {@code principal}. */
    private static Set<String> grants(List<AclBinding> acls, Principal principal, ResourceType type) {
        Set<String> out = new TreeSet<>();
        for (AclBinding b : acls) {
            if (b.entry().principal().equals("User:" + principal.user())
                    && b.pattern().resourceType() == type
                    && b.pattern().patternType() == PatternType.LITERAL) {
                out.add(b.pattern().name() + ":" + b.entry().operation());
            }
        }
        return out;
    }

    /** The principals that have any grant in {@code acls}. */
    private static Set<String> users(List<AclBinding> acls) {
        Set<String> out = new TreeSet<>();
        acls.forEach(b -> out.add(b.entry().principal()));
        return out;
    }

    @Test
    void twoClusters_eachGrantsOnlyItsOwnSidesUsers() {
        assertEquals(Set.of("User:producer", "User:embedder", "User:mirror"), users(HOSPITAL));
        assertEquals(Set.of("User:extractor", "User:viewer", "User:mirror"), users(CLINIC));
        // the applications keep their grants, on their own side
        assertEquals(topicGrants(Principal.PRODUCER), topicGrants(HOSPITAL, Principal.PRODUCER));
        assertEquals(topicGrants(Principal.EMBEDDER), topicGrants(HOSPITAL, Principal.EMBEDDER));
        assertEquals(topicGrants(Principal.EXTRACTOR), topicGrants(CLINIC, Principal.EXTRACTOR));
        assertEquals(topicGrants(Principal.VIEWER), topicGrants(CLINIC, Principal.VIEWER));
        for (AclBinding b : HOSPITAL) {
            assertEquals(AclPermissionType.ALLOW, b.entry().permissionType());
        }
    }

    @Test
    void mirrorAtTheHospital_readsWhatCrosses_writesTheReceiptsBack_andRunsOnlyTheFlowBack() {
        assertEquals(
                Set.of(
                        "p-stego-images:READ",
                        "p-stego-images:DESCRIBE",
                        "p-stego-images:DESCRIBE_CONFIGS",
                        "p-models:READ",
                        "p-models:DESCRIBE",
                        "p-models:DESCRIBE_CONFIGS",
                        "p-model-promotions:READ",
                        "p-model-promotions:DESCRIBE",
                        "p-model-promotions:DESCRIBE_CONFIGS",
                        "p-receipts:WRITE",
                        "p-receipts:DESCRIBE",
                        "mm2-configs.clinic.internal:CREATE",
                        "mm2-configs.clinic.internal:READ",
                        "mm2-configs.clinic.internal:WRITE",
                        "mm2-configs.clinic.internal:DESCRIBE",
                        "mm2-configs.clinic.internal:DESCRIBE_CONFIGS",
                        "mm2-offsets.clinic.internal:CREATE",
                        "mm2-offsets.clinic.internal:READ",
                        "mm2-offsets.clinic.internal:WRITE",
                        "mm2-offsets.clinic.internal:DESCRIBE",
                        "mm2-offsets.clinic.internal:DESCRIBE_CONFIGS",
                        "mm2-status.clinic.internal:CREATE",
                        "mm2-status.clinic.internal:READ",
                        "mm2-status.clinic.internal:WRITE",
                        "mm2-status.clinic.internal:DESCRIBE",
                        "mm2-status.clinic.internal:DESCRIBE_CONFIGS"),
                topicGrants(HOSPITAL, Principal.MIRROR));
        assertEquals(
                Set.of("clinic-mm2:READ", "clinic-mm2:DESCRIBE"),
                grants(HOSPITAL, Principal.MIRROR, ResourceType.GROUP));
    }

    @Test
    void mirrorAtTheClinic_writesWhatCrosses_readsOnlyTheReceipts_andRunsOnlyTheFlowIn() {
        Set<String> topics = topicGrants(CLINIC, Principal.MIRROR);
        for (String crossing : List.of("p-stego-images", "p-models", "p-model-promotions")) {
            assertTrue(topics.contains(crossing + ":WRITE"), crossing);
            assertTrue(topics.stream().noneMatch(g -> g.equals(crossing + ":READ")), crossing + " is not read here");
        }
        assertTrue(topics.contains("p-receipts:READ"));
        assertTrue(topics.stream().noneMatch(g -> g.startsWith("p-receipts:WRITE")));
        assertTrue(
                topics.stream()
                        .noneMatch(g -> g.startsWith("p-recovered-images:")
                                || g.startsWith("p-dead-letters:")
                                || g.startsWith("p-audit:")
                                || g.contains(".clinic.internal")),
                topics.toString());
        assertTrue(topics.contains("mm2-offsets.hospital.internal:WRITE"));
        assertEquals(
                Set.of("hospital-mm2:READ", "hospital-mm2:DESCRIBE"),
                grants(CLINIC, Principal.MIRROR, ResourceType.GROUP));
    }

    @Test
    void everyGrant_isAnAllow_forOneOfTheApplicationUsers_neverTheAdmin() {
        for (AclBinding b : ACLS) {
            assertEquals(AclPermissionType.ALLOW, b.entry().permissionType());
            assertTrue(!b.entry().principal().equals("User:admin"), b.toString());
        }
    }

    @Test
    void producer_writesXraysAndCoversOnly() {
        assertEquals(
                Set.of(
                        "p-cover-images:DESCRIBE",
                        "p-cover-images:WRITE",
                        "p-xray-images:DESCRIBE",
                        "p-xray-images:WRITE"),
                topicGrants(Principal.PRODUCER));
    }

    @Test
    void extractor_andMirror_haveNoGrantOnTheXrayOrCoverTopics() {
        for (Principal p : List.of(Principal.EXTRACTOR, Principal.MIRROR)) {
            assertTrue(
                    topicGrants(p).stream()
                            .noneMatch(g -> g.startsWith(TOPICS.xrays.name() + ":")
                                    || g.startsWith(TOPICS.covers.name() + ":")),
                    p + ": " + topicGrants(p));
        }
        assertEquals(
                Set.of(
                        "p-model-promotions:DESCRIBE",
                        "p-model-promotions:READ",
                        "p-models:DESCRIBE",
                        "p-models:READ",
                        "p-recovered-images:DESCRIBE",
                        "p-recovered-images:WRITE",
                        "p-dead-letters:DESCRIBE",
                        "p-dead-letters:WRITE",
                        "p-receipts:DESCRIBE",
                        "p-receipts:WRITE",
                        "p-stego-images:DESCRIBE",
                        "p-stego-images:READ"),
                topicGrants(Principal.EXTRACTOR));
        assertTrue(topicGrants(Principal.MIRROR).stream()
                .allMatch(g -> g.startsWith("p-stego-images:")
                        || g.startsWith("p-models:")
                        || g.startsWith("p-model-promotions:")));
    }

    @Test
    void viewer_readsWhatTheClinicReceivedAndWritesOnlyTheAuditTrailAndReceipts() {
        assertEquals(
                Set.of(
                        "p-recovered-images:DESCRIBE",
                        "p-recovered-images:READ",
                        "p-dead-letters:DESCRIBE",
                        "p-dead-letters:READ",
                        "p-models:DESCRIBE",
                        "p-models:READ",
                        "p-audit:DESCRIBE",
                        "p-audit:WRITE",
                        "p-receipts:DESCRIBE",
                        "p-receipts:READ",
                        "p-receipts:WRITE"),
                topicGrants(Principal.VIEWER));
    }

    @Test
    void streamsApplications_ownOnlyWhatStartsWithTheirApplicationId() {
        for (AclBinding b : ACLS) {
            if (b.pattern().patternType() == PatternType.PREFIXED) {
                String user = b.entry().principal();
                String expected = user.equals("User:embedder") ? "emb" : user.equals("User:extractor") ? "ext" : null;
                assertEquals(expected, b.pattern().name(), b.toString());
            }
        }
    }
}
