#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace portico {

// Checks the raw bytes of a message head (or of a chunked body's trailer section) before llhttp
// sees them, for what llhttp 8.1 lets through even in strict mode: bare LF line endings
// (request line, final empty line, trailer section), obs-fold continuation lines, whitespace
// runs or tabs in the request line, control characters. It also enforces the size limits on the
// raw bytes, so leading empty lines and whitespace count too.
class HeadScanner
{
public:
    enum class Region { Head, Trailers };
    enum class Outcome { NeedMore, Done, Error };

    struct Limits
    {
        bool request = true;   // request line rules apply to the start line
        int maxUriBytes = 0;   // request-target bytes (414 beyond)
        int maxTotalBytes = 0; // all bytes of the region (431 beyond)
    };

    void start(Region region, Limits limits);
    bool isActive() const { return m_active; }

    // Scans from the front of `data` up to the region's final LF, or to the end of data.
    // `scanned` says how many bytes were looked at (on Error: the offset of the bad byte).
    Outcome scan(QByteArrayView data, qsizetype &scanned);

    // Set on Error: the status hint (400, 414 or 431) and why.
    int errorStatus() const { return m_errorStatus; }
    const char *errorMessage() const { return m_errorMessage; }

private:
    Outcome fail(int status, const char *message);

    Region m_region = Region::Head;
    Limits m_limits;
    bool m_active = false;
    bool m_prevCr = false;
    bool m_startLineSeen = false; // Head: the first non-empty line began
    int m_lineIndex = 0;          // lines finished since the start line began
    qsizetype m_lineBytes = 0;    // bytes in the current line, CR/LF excluded
    qsizetype m_totalBytes = 0;
    int m_spaces = 0; // request line: spaces seen so far
    qsizetype m_targetBytes = 0;
    bool m_prevSpace = false;
    int m_errorStatus = 400;
    const char *m_errorMessage = "";
};

} // namespace portico
