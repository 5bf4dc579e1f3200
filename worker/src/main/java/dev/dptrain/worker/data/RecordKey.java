package dev.dptrain.worker.data;

import java.io.Serializable;

/**
 * The stable identity of an input record: its file's index in the sorted file list and its
 * position in that file (record number for IDX and Parquet, byte offset of the line for text).
 * The same input gives the same keys however Spark splits the files, so partitioning and order
 * keyed by it are the same on local[2], local[4] or a cluster.
 */
public record RecordKey(int file, long record) implements Comparable<RecordKey>, Serializable {
  @Override
  public int compareTo(RecordKey o) {
    int c = Integer.compare(file, o.file);
    return c != 0 ? c : Long.compare(record, o.record);
  }
}
