package dev.starling.node;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The node's layers, from the leaves up: {@code error}, {@code util}, {@code config}, then {@code
 * bson}; {@code query} and {@code repl.core} (pure); {@code storage}; {@code exec}, {@code repl};
 * {@code wire}, {@code command}; and {@code server} on top, which wires them together.
 */
@AnalyzeClasses(
    packages = "dev.starling.node",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
  private static final String NODE = "dev.starling.node..";

  /** Classes of the node outside {@code packages}: what a leaf must not use. */
  private static com.tngtech.archunit.base.DescribedPredicate<
          com.tngtech.archunit.core.domain.JavaClass>
      nodeClassesOutside(String... packages) {
    return resideInAPackage(NODE).and(not(resideInAnyPackage(packages)));
  }

  @ArchTest
  static final ArchRule theReplicationCoreIsPureDecisionLogic =
      noClasses()
          .that()
          .resideInAPackage("dev.starling.node.repl.core..")
          .should()
          .dependOnClassesThat(
              nodeClassesOutside(
                  "dev.starling.node.repl.core..",
                  "dev.starling.node.bson..",
                  "dev.starling.node.error.."))
          .because("repl.core decides from inputs and time, and does no I/O");

  @ArchTest
  static final ArchRule storageKnowsNothingOfQueriesOrReplication =
      noClasses()
          .that()
          .resideInAPackage("dev.starling.node.storage..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.starling.node.query..", "dev.starling.node.repl..");

  @ArchTest
  static final ArchRule theWireLayerKnowsNoCommand =
      noClasses()
          .that()
          .resideInAPackage("dev.starling.node.wire..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.starling.node.command..")
          .because("wire hands requests to a RequestHandler");

  @ArchTest
  static final ArchRule nothingDependsOnTheServer =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.starling.node.server..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.starling.node.server..")
          .because("server is the top of the program: main, lifecycle, the health endpoint");

  @ArchTest
  static final ArchRule errorAndUtilAreLeaves =
      classes()
          .that()
          .resideInAnyPackage("dev.starling.node.error..", "dev.starling.node.util..")
          .should()
          .onlyDependOnClassesThat(
              not(nodeClassesOutside("dev.starling.node.error..", "dev.starling.node.util..")));

  @ArchTest
  static final ArchRule configIsALeaf =
      classes()
          .that()
          .resideInAPackage("dev.starling.node.config..")
          .should()
          .onlyDependOnClassesThat(not(nodeClassesOutside("dev.starling.node.config..")));

  @ArchTest
  static final ArchRule bsonDependsOnErrorsOnly =
      classes()
          .that()
          .resideInAPackage("dev.starling.node.bson..")
          .should()
          .onlyDependOnClassesThat(
              not(nodeClassesOutside("dev.starling.node.bson..", "dev.starling.node.error..")));

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.starling.node.(*)..").should().beFreeOfCycles();
}
