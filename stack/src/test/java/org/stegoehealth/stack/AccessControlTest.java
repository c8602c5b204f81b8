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

    /** "topic:operation" of every literal topic grant to {@code principal}. */
    private static Set<String> topicGrants(Principal principal) {
        Set<String> out = new TreeSet<>();
        for (AclBinding b : ACLS) {
            if (b.entry().principal().equals("User:" + principal.user())
                    && b.pattern().resourceType() == ResourceType.TOPIC
                    && b.pattern().patternType() == PatternType.LITERAL) {
                out.add(b.pattern().name() + ":" + b.entry().operation());
            }
        }
        return out;
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
