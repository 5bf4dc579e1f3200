package dev.dptrain.bench.spark;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.data.DataFormatException;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.IdxRecords;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RecordKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import scala.Tuple2;

/**
 * A whole IDX image/label pair (Fashion-MNIST) in memory for the single-process benchmarks, read
 * by the tasks' own reader ({@link IdxRecords}: same header checks, same pixel values).
 */
final class IdxDataset {
  private IdxDataset() {}

  static Dataset read(Path images, Path labels) throws IOException {
    Configuration conf = new Configuration();
    IdxRecords.Header im = IdxRecords.header(images.toString(), true, conf);
    IdxRecords.Header lb = IdxRecords.header(labels.toString(), false, conf);
    if (im.count() != lb.count()) {
      throw new DataFormatException(images + " holds " + im.count() + " images but " + labels + " holds "
          + lb.count() + " labels");
    }
    int n = Math.toIntExact(im.count());
    int d = im.recordBytes();
    float[] x = new float[Math.multiplyExact(n, d)];
    float[] y = new float[n];
    Iterator<Tuple2<RecordKey, Example>> records = IdxRecords.read(im, lb, 0, n, LabelRule.IGNORED, conf);
    for (int i = 0; records.hasNext(); i++) {
      Example e = records.next()._2();
      e.copyTo(x, i * d);
      y[i] = e.label();
    }
    return new Dataset(Shape.image(1, im.dims()[1], im.dims()[2]), 1, x, y);
  }
}
