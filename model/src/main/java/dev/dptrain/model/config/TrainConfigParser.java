package dev.dptrain.model.config;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Optimizer;
import dev.dptrain.model.optim.Sgd;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.train.TrainSpec;

/**
 * Reads the {@code train { ... }} block of a config file into a {@link TrainSpec}; what a block
 * leaves out comes from {@link TrainSpec#defaults()}.
 */
public final class TrainConfigParser {
  private TrainConfigParser() {}

  /** Reads the block without knowing the input shape (augmentation is checked when training starts). */
  public static TrainSpec parse(Conf t) {
    return parse(t, null);
  }

  /** Reads the block and checks {@code augment} against the network's input shape (when not null). */
  public static TrainSpec parse(Conf t, Shape input) {
    TrainSpec d = TrainSpec.defaults();
    int epochs = (int) t.integer("epochs", d.epochs(), 1, 1_000_000);
    int batch = (int) t.integer("batch-size", d.batchSize(), 1, 1 << 24);
    long seed = t.integer("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE);
    double wd = t.number("weight-decay", d.weightDecay(), 0, 1);
    double l1 = t.number("l1", d.l1(), 0, 1);
    double clip = t.number("clip-norm", d.clipNorm(), 0, Double.MAX_VALUE);
    Conf o = t.object("optimizer");
    String type = o.oneOf("type", "sgd", "sgd", "momentum", "nesterov", "adam", "adamw");
    double lr = o.number("lr", type.startsWith("adam") ? TrainSpec.DEFAULT_ADAM_LR : TrainSpec.DEFAULT_SGD_LR,
        Double.MIN_VALUE, 10);
    Optimizer opt = switch (type) {
      case "sgd", "momentum", "nesterov" -> {
        double mom = o.number("momentum", type.equals("sgd") ? 0 : 0.9, 0, 0.9999);
        boolean nesterov = o.bool("nesterov", type.equals("nesterov"));
        if (nesterov && mom == 0) throw o.error("momentum", "a value > 0 with nesterov = true", mom);
        yield new Sgd(mom, nesterov);
      }
      default -> new Adam(o.number("beta1", 0.9, 0, 0.9999), o.number("beta2", 0.999, 0, 0.999999),
          o.number("eps", 1e-8, Double.MIN_VALUE, 1), type.equals("adamw") ? wd : 0);
    };
    o.finish();
    Conf s = t.object("schedule");
    String kind = s.oneOf("type", "constant", "constant", "step", "cosine");
    LrSchedule schedule = switch (kind) {
      case "step" -> new LrSchedule(LrSchedule.Kind.STEP, lr, s.integer("step-size", 1, Long.MAX_VALUE),
          s.number("gamma", 0.1, Double.MIN_VALUE, 1), 0, 0, 0);
      case "cosine" -> new LrSchedule(LrSchedule.Kind.COSINE, lr, 0, 1, s.integer("total-steps", 0, 0, Long.MAX_VALUE),
          s.number("min-lr", 0, 0, lr), 0);
      default -> LrSchedule.constant(lr);
    };
    schedule = schedule.withWarmup(s.integer("warmup-steps", 0, 0, Long.MAX_VALUE));
    s.finish();
    Augmentation augment = augmentation(t.object("augment"), input);
    EarlyStopping stopping = t.has("early-stopping") ? earlyStopping(t.object("early-stopping")) : null;
    t.finish();
    return new TrainSpec(opt, schedule, wd, l1, clip, batch, epochs, seed, augment, stopping);
  }

  private static EarlyStopping earlyStopping(Conf e) {
    String metric = e.oneOf("metric", EarlyStopping.DEFAULT_METRIC.configName(), "validation-loss", "validation-accuracy");
    EarlyStopping stopping = new EarlyStopping(EarlyStopping.Metric.parse(metric),
        (int) e.integer("patience", EarlyStopping.DEFAULT_PATIENCE, 1, 1_000_000),
        e.number("min-delta", EarlyStopping.DEFAULT_MIN_DELTA, 0, Double.MAX_VALUE));
    e.finish();
    return stopping;
  }

  private static Augmentation augmentation(Conf a, Shape input) {
    Augmentation augment = new Augmentation(a.bool("flip", false), (int) a.integer("crop-padding", 0, 0, 1024));
    a.finish();
    if (input != null && augment.enabled()) {
      String key = augment.cropPadding() > 0 ? "crop-padding" : "flip";
      if (input.isVector()) {
        throw a.error(key, "image input (model.input = [c, h, w]) for augmentation", "the vector input " + input);
      }
      if (augment.cropPadding() >= Math.min(input.height(), input.width())) {
        throw a.error("crop-padding", "an integer below the input's height and width",
            augment.cropPadding() + " for input " + input);
      }
    }
    return augment;
  }
}
