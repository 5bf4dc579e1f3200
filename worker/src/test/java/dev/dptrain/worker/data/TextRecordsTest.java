package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** LibSVM and CSV lines as a task reads them: values, keys, skipped lines and every error message. */
class TextRecordsTest {
  private static final String HINT = "; set data.labels = auto (or a list of the labels) to map labels to classes";
  private static final String MAP_HINT =
      "; set data.labels = auto (or list the labels, e.g. [-1, 1]) to map the file's labels to classes";

  @TempDir
  java.nio.file.Path dir;

  /** The lines of {@code text} with their byte offsets, as TextInputFormat gives them. */
  static Iterator<Tuple2<LongWritable, Text>> lines(String text, long base) {
    List<Tuple2<LongWritable, Text>> out = new ArrayList<>();
    long offset = base;
    for (String l : text.split("\n", -1)) {
      if (offset - base >= text.getBytes(StandardCharsets.UTF_8).length) break;
      out.add(new Tuple2<>(new LongWritable(offset), new Text(l)));
      offset += l.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return out.iterator();
  }

  private Path file(String name, String text) throws IOException {
    java.nio.file.Path p = dir.resolve(name);
    Files.writeString(p, text);
    return new Path(p.toUri());
  }

  private List<Tuple2<RecordKey, Example>> read(DataSource src, int d, LabelRule rule, String text, long splitStart)
      throws IOException {
    Path f = file("in." + src.format(), text);
    Iterator<Tuple2<RecordKey, Example>> it = new TextRecords(src, d, rule).read(f, 4, splitStart,
        lines(text, splitStart), new Configuration());
    List<Tuple2<RecordKey, Example>> out = new ArrayList<>();
    while (it.hasNext()) out.add(it.next());
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
    return out;
  }

  private static DataSource libsvm() {
    return new DataSource("libsvm", "in.libsvm", null, null, null, false, ',');
  }

  private static DataSource csv(String labelColumn, boolean header, char delim) {
    return new DataSource("csv", "in.csv", null, labelColumn, null, header, delim);
  }

  private static void assertExample(Tuple2<RecordKey, Example> r, long offset, float label, float... x) {
    assertEquals(new RecordKey(4, offset), r._1());
    assertEquals(label, r._2().label());
    assertArrayEquals(x, r._2().features());
  }

  @Test
  void libsvmValuesKeysCommentsAndBlankLines() throws IOException {
    String text = "1 1:0.5 3:2 # a comment\n\n   # only a comment\n#x 1:1\n0 2:-1.25\n2\n";
    var rs = read(libsvm(), 3, LabelRule.classes(3), text, 0);
    assertEquals(3, rs.size());
    assertExample(rs.get(0), 0, 1f, 0.5f, 0f, 2f);
    assertExample(rs.get(1), text.indexOf("0 2:"), 0f, 0f, -1.25f, 0f);
    assertExample(rs.get(2), text.indexOf("2\n"), 2f, 0f, 0f, 0f);
  }

  private String libsvmError(String text, long splitStart, LabelRule rule) {
    return assertThrows(DataFormatException.class, () -> read(libsvm(), 3, rule, text, splitStart)).getMessage();
  }

  private String libsvmError(String text) {
    return libsvmError(text, 0, LabelRule.classes(2));
  }

  @Test
  void libsvmErrorsNameFileLineAndProblem() {
    String f = new Path(dir.resolve("in.libsvm").toUri()).toString();
    assertEquals(f + ": line 2: expected index:value, got '3'", libsvmError("1 1:1\n0 3\n"));
    assertEquals(f + ": line 1: expected index:value, got ':3'", libsvmError("1 :3\n"));
    assertEquals(f + ": line 1: feature index 'a' is not an integer", libsvmError("1 a:3\n"));
    assertEquals(f + ": line 1: feature index 0 outside [1, 3] (the model input has 3 features; LibSVM indices are"
        + " 1-based)", libsvmError("1 0:3\n"));
    assertTrue(libsvmError("1 4:3\n").contains("feature index 4 outside [1, 3]"));
    assertEquals(f + ": line 1: feature index 2 after 2, expected increasing indices", libsvmError("1 2:1 2:1\n"));
    assertTrue(libsvmError("1 3:1 1:1\n").contains("feature index 1 after 3"));
    assertEquals(f + ": line 1: feature 2: value NaN is not finite (NaN/Inf)", libsvmError("1 2:NaN\n"));
    assertEquals(f + ": line 1: feature 1: 'x' is not a number", libsvmError("1 1:x\n"));
    assertEquals(f + ": line 1: label 'y' is not a number" + HINT, libsvmError("y 1:1\n"));
    assertEquals(f + ": line 1: label 2.0 is not a class index in [0, 2)" + MAP_HINT, libsvmError("2 1:1\n"));
    // A split that does not start the file names the line by its byte offset.
    assertEquals(f + ": the line at byte 106: label 'y' is not a number" + HINT, libsvmError("1 1:1\ny 1:1\n", 100,
        LabelRule.classes(2)));
  }

  @Test
  void labelsAreCheckedOnlyWhenRequired() throws IOException {
    var rs = read(libsvm(), 2, LabelRule.IGNORED, "not-a-label 2:3\n", 0);
    assertExample(rs.get(0), 0, 0f, 0f, 3f);
    var reg = read(libsvm(), 2, LabelRule.classes(0), "-7.5 1:1\n", 0);
    assertEquals(-7.5f, reg.get(0)._2().label());
  }

  @Test
  void csvWithHeaderBomNamedLabelColumnAndDelimiter() throws IOException {
    String text = "\uFEFFa;y;b;c\n1;2;3;4\n\n 5 ;0; 6;7\n";
    var rs = read(csv("y", true, ';'), 3, LabelRule.classes(3), text, 0);
    assertEquals(2, rs.size());
    int second = text.getBytes(StandardCharsets.UTF_8).length - "5 ;0; 6;7\n".length() - 1;
    assertExample(rs.get(0), "\uFEFFa;y;b;c\n".getBytes(StandardCharsets.UTF_8).length, 2f, 1f, 3f, 4f);
    assertExample(rs.get(1), second, 0f, 5f, 6f, 7f);
    // The label column as a 0-based index, the first column being the BOM-prefixed one.
    var byIndex = read(csv("0", false, ','), 2, LabelRule.classes(2), "\uFEFF1,2,3\n0,4,5\n", 0);
    assertExample(byIndex.get(0), 0, 1f, 2f, 3f);
    assertExample(byIndex.get(1), 9, 0f, 4f, 5f);
  }

  @Test
  void csvWithoutLabelColumnAndHeaderOnlyInTheFirstSplit() throws IOException {
    var rs = read(csv(null, false, ','), 2, LabelRule.IGNORED, "1,2\n3,4\n", 0);
    assertExample(rs.get(0), 0, 0f, 1f, 2f);
    assertExample(rs.get(1), 4, 0f, 3f, 4f);
    // header = true: only the line at byte 0 is the header; a later split reads its first line
    var later = read(csv("1", true, ','), 1, LabelRule.classes(2), "5,1\n", 10);
    assertExample(later.get(0), 10, 1f, 5f);
  }

  private String csvError(DataSource src, int d, String text) {
    return assertThrows(DataFormatException.class, () -> read(src, d, LabelRule.classes(2), text, 0)).getMessage();
  }

  @Test
  void csvErrorsNameFileLineColumnAndProblem() {
    String f = new Path(dir.resolve("in.csv").toUri()).toString();
    assertEquals(f + ": line 1: 2 columns, expected 3 (the label column 0 and 2 features; columns are counted from 0)", csvError(csv("0", false, ','), 2, "1,2\n"));
    assertEquals(f + ": line 2: 3 columns, expected 2 (2 features; columns are counted from 0)",
        assertThrows(DataFormatException.class, () -> read(csv(null, false, ','), 2, LabelRule.IGNORED, "1,2\n1,2,3\n", 0))
            .getMessage());
    assertEquals(f + ": line 1: column 2 (0-based): 'z' is not a number", csvError(csv("0", false, ','), 2, "1,2,z\n"));
    assertEquals(f + ": line 1: column 1 (0-based): label 'q' is not a number" + HINT, csvError(csv("1", false, ','), 2, "1,q,2\n"));
    assertEquals(f + ": line 1: column 0 (0-based): value Infinity is not finite (NaN/Inf)",
        csvError(csv("2", false, ','), 2, "Infinity,2,1\n"));
    assertEquals(f + ": label column 'label' is not in the header [a, b, c]", csvError(csv("label", true, ','), 2, "a,b,c\n1,2,0\n"));
    assertEquals(f + ": label column 'label' is not in the header (no header; set header = true or give a 0-based column"
        + " index)", csvError(csv("label", false, ','), 2, "1,2,0\n"));
    assertEquals(f + ": label column -1 must be >= 0", csvError(csv("-1", false, ','), 2, "1,2,0\n"));
    // A header naming the column by number still works as an index when no header cell matches.
    assertEquals(f + ": line 2: column 2 (0-based): label 7.0 is not a class index in [0, 2)" + MAP_HINT,
        csvError(csv("2", true, ','), 2, "a,b,c\n1,2,7\n"));
  }

  @Test
  void anEmptyFileWithHeaderHasNoColumns() throws IOException {
    String f = new Path(dir.resolve("in.csv").toUri()).toString();
    assertEquals(f + ": label column 'y' is not in the header []", csvError(csv("y", true, ','), 2, ""));
  }

  @Test
  void numbersAreTrimmedAndMustBeFinite() {
    assertEquals(2.5f, TextRecords.number("  2.5 ", "w"));
    assertEquals("w: value -Infinity is not finite (NaN/Inf)",
        assertThrows(DataFormatException.class, () -> TextRecords.number(" -Infinity", "w")).getMessage());
  }

  @Test
  void mappedLabelsBecomeTheirClassIndex() throws IOException {
    LabelRule pm = new LabelRule(2, true, dev.dptrain.model.data.LabelValues.of(List.of("-1", "1")));
    List<Tuple2<RecordKey, Example>> r = read(libsvm(), 2, pm, "+1 1:2\n-1 2:3\n1.0 1:1\n", 0);
    assertEquals(List.of(1f, 0f, 1f), r.stream().map(t -> t._2().label()).toList());
    LabelRule kinds = new LabelRule(3, true, dev.dptrain.model.data.LabelValues.of(List.of("setosa", "versicolor", "virginica")));
    r = read(csv("kind", true, ','), 1, kinds, "x,kind\n5,virginica\n6, setosa\n", 0);
    assertEquals(List.of(2f, 0f), r.stream().map(t -> t._2().label()).toList());
    String f = new Path(dir.resolve("in.csv").toUri()).toString();
    assertEquals(f + ": line 2: column 1 (0-based): label iris is not one of data.labels [setosa, versicolor, virginica]",
        assertThrows(DataFormatException.class, () -> read(csv("1", false, ','), 1, kinds, "5,setosa\n5,iris\n", 0))
            .getMessage());
  }

  @Test
  void predictionInputMayLeaveTheLabelColumnOut() throws IOException {
    // The model was trained with label column "y"; prediction files with and without it read the same features.
    List<Tuple2<RecordKey, Example>> with = read(csv("y", true, ','), 2, LabelRule.IGNORED, "a,y,b\n1,7,2\n", 0);
    assertExample(with.get(0), 6, 0f, 1f, 2f);
    List<Tuple2<RecordKey, Example>> without = read(csv("y", true, ','), 2, LabelRule.IGNORED, "a,b\n1,2\n", 0);
    assertExample(without.get(0), 4, 0f, 1f, 2f);
    List<Tuple2<RecordKey, Example>> byIndex = read(csv("1", false, ','), 2, LabelRule.IGNORED, "1,2\n", 0);
    assertExample(byIndex.get(0), 0, 0f, 1f, 2f);
  }

  @Test
  void labelsAreCollectedAsWritten() throws IOException {
    String text = "x,kind\n5,b\n\n6,a\n";
    Path f = file("in.csv", text);
    Iterator<String> it = new TextRecords(csv("kind", true, ','), 0, LabelRule.IGNORED).labels(f, 0, lines(text, 0),
        new Configuration());
    List<String> got = new ArrayList<>();
    it.forEachRemaining(got::add);
    assertEquals(List.of("b", "a"), got);
    String svm = "-1 1:2 # c\n# only a comment\n+1 2:1\n";
    Path g = file("in.libsvm", svm);
    got.clear();
    new TextRecords(libsvm(), 0, LabelRule.IGNORED).labels(g, 0, lines(svm, 0), new Configuration()).forEachRemaining(got::add);
    assertEquals(List.of("-1", "+1"), got);
  }
}
