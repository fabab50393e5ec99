#include "AccessLogFile.h"

#include <QDebug>

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>

namespace portico {

namespace {

constexpr int kMostRotatedFiles = 100; // settings.access_log_files' upper bound

QString systemError()
{
    return qt_error_string(errno);
}

} // namespace

QString AccessLogFile::rotatedPath(int n) const
{
    return m_options.path + QLatin1Char('.') + QString::number(n);
}

void AccessLogFile::setOptions(const AccessLogOptions &options)
{
    const bool changedPath = options.path != m_options.path;
    const bool changedFiles = options.files != m_options.files;
    m_options = options;
    if (changedPath)
        close();
    if (!m_options.path.isEmpty() && (changedPath || changedFiles))
        removeSurplusRotations();
}

void AccessLogFile::removeSurplusRotations()
{
    for (int n = m_options.files + 1; n <= kMostRotatedFiles; ++n)
        QFile::remove(rotatedPath(n));
}

bool AccessLogFile::open()
{
    close();
    m_file.setFileName(m_options.path);
    // Unbuffered: the writer hands over whole batches, and an error shows at the write it
    // belongs to (so the batch can be taken back) instead of at some later flush.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        fail(QStringLiteral("cannot open"), m_file.errorString());
        return false;
    }
    m_size = m_file.size();
    if (m_failing) {
        m_failing = false;
        qInfo().noquote()
            << QStringLiteral("access log: writing to \"%1\" again").arg(m_options.path);
    }
    return true;
}

void AccessLogFile::close()
{
    if (m_file.isOpen())
        m_file.close();
    m_size = 0;
}

void AccessLogFile::fail(const QString &what, const QString &reason)
{
    if (!m_failing) {
        m_failing = true;
        qWarning().noquote()
            << QStringLiteral("access log: %1 \"%2\": %3; lines are held in memory up to a bound "
                              "(beyond it dropped and counted) and the file is tried again "
                              "every second")
                   .arg(what, m_options.path, reason);
    }
    close();
}

bool AccessLogFile::rotate()
{
    if (m_options.files == 0) {
        if (!m_file.resize(0)) { // same file, started over
            fail(QStringLiteral("cannot truncate"), m_file.errorString());
            return false;
        }
        m_size = 0;
        return true;
    }
    m_file.close();
    // rename(2) replaces its destination, so the oldest file goes as the others move up.
    for (int n = m_options.files - 1; n >= 1; --n) {
        const QByteArray from = QFile::encodeName(rotatedPath(n));
        if (std::rename(from.constData(), QFile::encodeName(rotatedPath(n + 1)).constData()) != 0
            && errno != ENOENT) {
            fail(QStringLiteral("cannot rotate"), systemError());
            return false;
        }
    }
    if (std::rename(QFile::encodeName(m_options.path).constData(),
                    QFile::encodeName(rotatedPath(1)).constData())
        != 0) {
        fail(QStringLiteral("cannot rotate"), systemError());
        return false;
    }
    return open();
}

qint64 AccessLogFile::writeLines(QByteArrayView lines)
{
    const qint64 maxBytes = qMax<qint64>(1, m_options.maxBytes);
    qsizetype pos = 0;
    while (pos < lines.size()) {
        if (!m_file.isOpen())
            return lines.sliced(pos).count('\n');
        const QByteArrayView rest = lines.sliced(pos);
        qsizetype take = rest.size();
        if (m_size + rest.size() > maxBytes) {
            // The whole lines that still fit; none: rotate first.
            const qint64 room = maxBytes - m_size;
            take = room > 0 ? rest.first(qMin<qint64>(room, rest.size())).lastIndexOf('\n') + 1 : 0;
            if (take == 0 && m_size > 0) {
                rotate();
                continue;
            }
            if (take == 0) { // a line longer than maxBytes, alone in a fresh file
                const qsizetype end = rest.indexOf('\n');
                take = end < 0 ? rest.size() : end + 1;
            }
        }
        if (m_file.write(rest.data(), take) != take) {
            // Take back what part of it went out, so no line is left half written.
            const QString reason = m_file.errorString();
            m_file.resize(m_size);
            fail(QStringLiteral("cannot write"), reason);
            return rest.count('\n');
        }
        m_size += take;
        pos += take;
    }
    return 0;
}

bool AccessLogFile::isStillAtPath() const
{
    if (!m_file.isOpen())
        return false;
    struct stat atPath;
    struct stat open;
    return ::stat(QFile::encodeName(m_options.path).constData(), &atPath) == 0
        && ::fstat(m_file.handle(), &open) == 0 && atPath.st_ino == open.st_ino
        && atPath.st_dev == open.st_dev;
}

} // namespace portico
