package org.stegoehealth.ops;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No import cycles in the main code. This module sees every other one on its classpath, so the rules run over the
 * whole product: between the modules' top-level packages ({@code org.stegoehealth.model},
 * {@code org.stegoehealth.stack}, ...) and between any two packages, subpackages included.
 */
class PackageCyclesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // other modules' test jars
            .importPackages("org.stegoehealth");

    @Test
    void theMainCodeOfEveryModuleIsAnalysed() {
        Set<String> modules = new TreeSet<>();
        for (JavaClass c : MAIN) {
            modules.add(c.getPackageName().split("\\.")[2]);
        }
        assertEquals(
                new TreeSet<>(Set.of(
                        "dicom",
                        "errors",
                        "lab",
                        "model",
                        "ops",
                        "processors",
                        "schemas",
                        "security",
                        "stack",
                        "trainer",
                        "web")),
                modules);
    }

    @Test
    void modulesAreFreeOfCycles() {
        slices().matching("org.stegoehealth.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("org.stegoehealth.(**)").should().beFreeOfCycles().check(MAIN);
    }
}
