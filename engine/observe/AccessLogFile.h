#pragma once

#include <QByteArrayView>
#include <QFile>
#include <QString>

namespace portico {

// Where and how the access log is written (settings.access_log*).
struct AccessLogOptions
{
    QString path;                       // empty = no access log
    qint64 maxBytes = 64 * 1024 * 1024; // a file is rotated before it would grow past this
    int files = 5;                      // rotated files kept: path.1 (newest) .. path.N
    friend bool operator==(const AccessLogOptions &, const AccessLogOptions &) = default;
};

// The access log's file, used by its writer thread only: appends whole lines and rotates by
// size. When the file would grow past maxBytes it is renamed path.1 (path.1 to path.2, ...,
// the oldest beyond `files` removed), or with files = 0 truncated, and writing goes on in a
// fresh file; a line is never split across two files. Only a single line longer than maxBytes
// makes a file larger: it is written alone in a fresh file rather than lost.
//
// Failures (the folder removed, disk full, no permission) close the file and are reported by
// one qWarning per episode; the owner retries open() and gets a qInfo when it works again.
class AccessLogFile
{
public:
    ~AccessLogFile() { close(); }

    // Follows new options: a new path closes the current file (open() opens the new one);
    // rotated files beyond the new count are removed.
    void setOptions(const AccessLogOptions &options);
    const AccessLogOptions &options() const { return m_options; }

    bool isOpen() const { return m_file.isOpen(); }
    // Opens the path for appending; false (warned once) when it cannot.
    bool open();
    // Writes whole lines (each ending in '\n'), rotating between lines as needed, and flushes.
    // On failure the file is closed and the result says how many lines were lost.
    qint64 writeLines(QByteArrayView lines);
    // True when the path still names the open file; false when it was removed or renamed
    // (the folder deleted, an outside logrotate): the owner closes and opens it again.
    bool isStillAtPath() const;
    void close();

private:
    bool rotate();
    void removeSurplusRotations();
    QString rotatedPath(int n) const;
    void fail(const QString &what, const QString &reason);

    AccessLogOptions m_options;
    QFile m_file;
    qint64 m_size = 0;
    bool m_failing = false; // warned already; the next success says it works again
};

} // namespace portico
