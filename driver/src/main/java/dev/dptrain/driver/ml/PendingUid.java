package dev.dptrain.driver.ml;

/**
 * The uid of an ML stage while its Spark superclass is being constructed. Spark's Scala params
 * (featuresCol, ...) are created in the superclass constructor with {@code uid()} as their owner,
 * before a Java subclass can assign its uid field; Scala sets constructor vals first, Java
 * cannot. The subclass passes its uid through here, in the argument of its own constructor call.
 */
final class PendingUid {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  private PendingUid() {}

  /** Called in the argument list of {@code this(...)}: runs before the superclass constructor. */
  static String hold(String uid) {
    PENDING.set(uid);
    return uid;
  }

  /** The stage's uid: its field once set, the held one during construction. */
  static String of(String field) {
    return field != null ? field : PENDING.get();
  }

  /** After construction. */
  static void release() {
    PENDING.remove();
  }
}
