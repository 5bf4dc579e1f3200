package dev.dptrain.worker.data;

import static dev.dptrain.worker.data.TextRecordsTest.lines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * The text readers' prediction-side paths: columns passed through ({@code predict --keep}), the
 * label column a prediction file may leave out, and the labels {@code data.labels = auto} collects.
 */
class TextRecordsKeepTest {
  @TempDir
  java.nio.file.Path dir;

  private Path file(String name, String text) throws IOException {
    java.nio.file.Path p = dir.resolve(name);
    Files.writeString(p, text);
    return new Path(p.toUri());
  }

  private String name(String file) {
    return new Path(dir.resolve(file).toUri()).toString();
  }

  private static DataSource csv(String labelColumn, boolean header, char delim) {
    return new DataSource("csv", "in.csv", null, labelColumn, null, header, delim);
  }

  private static final DataSource LIBSVM = new DataSource("libsvm", "in.libsvm", null, null, null, false, ',');

  private List<Example> read(DataSource src, int d, LabelRule rule, List<String> keep, String text) throws IOException {
    Path f = file("in." + src.format(), text);
    Iterator<Tuple2<RecordKey, Example>> it = new TextRecords(src, d, rule, keep).read(f, 0, 0, lines(text, 0),
        new Configuration());
    List<Example> out = new ArrayList<>();
    it.forEachRemaining(t -> out.add(t._2()));
    return out;
  }

  private String readError(DataSource src, int d, LabelRule rule, List<String> keep, String text) {
    return assertThrows(DataFormatException.class, () -> read(src, d, rule, keep, text)).getMessage();
  }

  private List<String> labels(DataSource src, String text) throws IOException {
    Path f = file("in." + src.format(), text);
    List<String> out = new ArrayList<>();
    new TextRecords(src, 0, LabelRule.IGNORED).labels(f, 0, lines(text, 0), new Configuration()).forEachRemaining(out::add);
    return out;
  }

  @Test
  void keptCsvColumnsByHeaderNameOrIndexAreTrimmed() throws IOException {
    // The header has a BOM and spaces around its names; a blank line is skipped, kept or not.
    String text = "\uFEFFid ; x ;y\n 17 ;1;2\n\n18; 3 ;4\n";
    List<Example> rs = read(csv(null, true, ';'), 3, LabelRule.IGNORED, List.of("y", "id", "1"), text);
    assertEquals(2, rs.size());
    assertArrayEquals(new String[] {"2", "17", "1"}, rs.get(0).kept());
    assertArrayEquals(new String[] {"4", "18", "3"}, rs.get(1).kept());
    assertArrayEquals(new float[] {18, 3, 4}, rs.get(1).features());
    // Without a header, 0-based indices; column 0 is a column like any other.
    rs = read(csv(null, false, ','), 2, LabelRule.IGNORED, List.of("0"), "5,6\n");
    assertArrayEquals(new String[] {"5"}, rs.get(0).kept());
    assertArrayEquals(new float[] {5, 6}, rs.get(0).features());
    // Without keep, examples carry no kept values at all.
    assertNull(read(csv(null, false, ','), 2, LabelRule.IGNORED, List.of(), "5,6\n").get(0).kept());
  }

  @Test
  void aHeaderNameWinsOverTheIndexItSpells() throws IOException {
    // Column 0 is named "2": keeping "2" keeps that column, not column 2.
    List<Example> rs = read(csv(null, true, ','), 3, LabelRule.IGNORED, List.of("2"), "2,a,b\n7,8,9\n");
    assertArrayEquals(new String[] {"7"}, rs.get(0).kept());
  }

  @Test
  void aKeptColumnThatIsNotThereNamesTheFileAndTheColumns() {
    String f = name("in.csv");
    assertEquals(f + ": no column 'zz' to keep; the header is [id, x]",
        readError(csv(null, true, ','), 2, LabelRule.IGNORED, List.of("zz"), "id, x\n1,2\n"));
    assertEquals(f + ": no column 'id' to keep; give 0-based column indices (no header)",
        readError(csv(null, false, ','), 2, LabelRule.IGNORED, List.of("id"), "1,2\n"));
    assertEquals(f + ": no column '-1' to keep; give 0-based column indices (no header)",
        readError(csv(null, false, ','), 2, LabelRule.IGNORED, List.of("-1"), "1,2\n"));
    // An empty file with a header has no header names at all.
    assertEquals(f + ": no column 'id' to keep; the header is []",
        readError(csv(null, true, ','), 2, LabelRule.IGNORED, List.of("id"), ""));
    // Index 2 of lines with 2 columns (the first column past the end).
    assertEquals(f + ": line 1: no column 2 (0-based) to keep",
        readError(csv(null, false, ','), 2, LabelRule.IGNORED, List.of("1", "2"), "1,2\n"));
  }

  @Test
  void libsvmPassesThroughItsLabelOnly() throws IOException {
    List<Example> rs = read(LIBSVM, 2, LabelRule.IGNORED, List.of("label"), "  +1 2:5\n\n# c\n-3.5 1:1\n");
    assertEquals(2, rs.size());
    assertArrayEquals(new String[] {"+1"}, rs.get(0).kept());
    assertArrayEquals(new float[] {0, 5}, rs.get(0).features());
    assertArrayEquals(new String[] {"-3.5"}, rs.get(1).kept());
    assertEquals(name("in.libsvm") + ": LibSVM can pass through 'label' only, not 'id'",
        readError(LIBSVM, 2, LabelRule.IGNORED, List.of("label", "id"), "1 1:1\n"));
  }

  @Test
  void predictionInputByIndexWithOrWithoutItsLabelColumn() throws IOException {
    // The model's label column is 0: a file without it has d columns, all features.
    assertArrayEquals(new float[] {1, 2}, read(csv("0", false, ','), 2, LabelRule.IGNORED, List.of(), "1,2\n").get(0).features());
    assertArrayEquals(new float[] {2, 3}, read(csv("0", false, ','), 2, LabelRule.IGNORED, List.of(), "1,2,3\n").get(0).features());
    // With a header that does not name it, a numeric label column is still an index.
    assertArrayEquals(new float[] {5, 6}, read(csv("1", true, ','), 2, LabelRule.IGNORED, List.of(), "a,b,c\n5,9,6\n").get(0).features());
    // A named label column missing from the header: no label column.
    assertArrayEquals(new float[] {5, 9}, read(csv("y", true, ','), 2, LabelRule.IGNORED, List.of(), "a,b\n5,9\n").get(0).features());
  }

  @Test
  void labelsAreCollectedFromColumnZeroToo() throws IOException {
    assertEquals(List.of("b", "a"), labels(csv("0", false, ','), "b,1\na,2\n"));
  }

  @Test
  void collectingLabelsWithoutALabelColumnNamesTheFile() {
    String f = name("in.csv");
    assertEquals(f + ": no label column to collect labels from",
        assertThrows(DataFormatException.class, () -> labels(csv(null, false, ','), "1,2\n")).getMessage());
    // A label column named but absent from the header is no label column either.
    assertEquals(f + ": no label column to collect labels from",
        assertThrows(DataFormatException.class, () -> labels(csv("kind", true, ','), "x,z\n1,2\n")).getMessage());
    // Column 2 of a line with 2 columns (the first past the end).
    assertEquals(f + ": line 2: 2 columns, no label column 2 (columns are counted from 0)",
        assertThrows(DataFormatException.class, () -> labels(csv("2", false, ','), "1,2,a\n1,2\n")).getMessage());
  }
}
