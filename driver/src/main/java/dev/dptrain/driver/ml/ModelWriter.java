package dev.dptrain.driver.ml;

import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.io.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saves a dptrain Spark ML model: Spark's param metadata in {@code PATH/metadata} (as every ML
 * stage) and the dptrain model file in {@code PATH/model/model.dptm}, written atomically by
 * {@link ModelStore}: {@code dptrain evaluate --model PATH/model} reads it.
 */
final class ModelWriter extends MLWriter {
  static final String MODEL_DIR = "model";
  private final Params instance;
  private final SavedModel model;

  ModelWriter(Params instance, SavedModel model) {
    this.instance = instance;
    this.model = model;
  }

  @Override
  public void saveImpl(String path) {
    DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
    try {
      ModelStore.save(model, path + "/" + MODEL_DIR, sc().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
