package dev.dptrain.driver.ml;

import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.io.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import scala.Option;

/** Loads what {@link ModelWriter} saved: the model file, then the params from Spark's metadata. */
final class ModelReader<M extends Params> extends MLReader<M> {
  private final BiFunction<String, SavedModel, M> create;

  ModelReader(BiFunction<String, SavedModel, M> create) {
    this.create = create;
  }

  @Override
  public M load(String path) {
    DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(), "");
    SavedModel saved;
    try {
      saved = ModelStore.load(path + "/" + ModelWriter.MODEL_DIR, sc().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    M model = create.apply(meta.uid(), saved);
    meta.getAndSetParams(model, Option.empty());
    return model;
  }
}
