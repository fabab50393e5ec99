#include "HeadScanner.h"

#include "ByteScan.h"

#include <algorithm>

namespace portico {


void HeadScanner::start(Region region, Limits limits)
{
    *this = HeadScanner{};
    m_region = region;
    m_limits = limits;
    m_active = true;
}

HeadScanner::Outcome HeadScanner::fail(int status, const char *message)
{
    m_errorStatus = status;
    m_errorMessage = message;
    m_active = false;
    return Outcome::Error;
}

HeadScanner::Outcome HeadScanner::scan(QByteArrayView data, qsizetype &scanned)
{
    Q_ASSERT(m_active);
    const bool request = m_limits.request;
    for (qsizetype i = 0; i < data.size(); ++i) {
        // Fast paths (this scan sees every byte of every head): past a line's first byte only
        // control characters matter, and in a request line spaces, so ordinary bytes are run
        // over in one tight loop.
        if (m_lineBytes > 0 && !m_prevCr) {
            const qsizetype room = m_limits.maxTotalBytes - m_totalBytes;
            const qsizetype limit = std::min(data.size(), i + std::max<qsizetype>(room, 0));
            const bool inRequestLine = request && m_region == Region::Head && m_lineIndex == 0;
            qsizetype j = i;
            if (!inRequestLine) {
                j += findControlByte(data.data() + i, limit - i);
            } else {
                while (j < limit && uchar(data[j]) > 0x20 && data[j] != 0x7f)
                    ++j;
                if (j > i) {
                    m_prevSpace = false;
                    if (m_spaces == 1) {
                        m_targetBytes += j - i;
                        if (m_targetBytes > m_limits.maxUriBytes) {
                            scanned = i + (m_limits.maxUriBytes - (m_targetBytes - (j - i)));
                            return fail(414, "request-target too long");
                        }
                    }
                }
            }
            m_lineBytes += j - i;
            m_totalBytes += j - i;
            i = j;
            if (i >= data.size())
                break;
        }
        scanned = i;
        const char c = data[i];
        if (++m_totalBytes > m_limits.maxTotalBytes)
            return fail(431,
                        m_region == Region::Head ? "header section too large"
                                                 : "trailer section too large");
        if (m_prevCr) {
            if (c != '\n')
                return fail(400, "CR not followed by LF");
            m_prevCr = false;
            const bool emptyLine = m_lineBytes == 0;
            m_lineBytes = 0;
            if (m_region == Region::Head && !m_startLineSeen)
                continue; // an empty line before the start line is ignored (RFC 9112 2.2)
            if (emptyLine) {
                scanned = i + 1;
                m_active = false;
                return Outcome::Done;
            }
            ++m_lineIndex;
            continue;
        }
        if (c == '\r') {
            m_prevCr = true;
            continue;
        }
        if (c == '\n')
            return fail(400, "bare LF line ending");
        if ((uchar(c) < 0x20 && c != '\t') || c == 0x7f)
            return fail(400, "control character in message head");

        const bool inStartLine = m_region == Region::Head && m_lineIndex == 0;
        if (m_lineBytes == 0 && (c == ' ' || c == '\t')) {
            return fail(400,
                        inStartLine ? "whitespace before the start line" : "obsolete line folding");
        }
        m_startLineSeen = m_startLineSeen || m_region == Region::Head;
        ++m_lineBytes;
        if (inStartLine && request) {
            if (c == '\t')
                return fail(400, "tab in request line");
            if (c == ' ') {
                if (m_prevSpace)
                    return fail(400, "extra whitespace in request line");
                ++m_spaces;
                m_prevSpace = true;
                continue;
            }
            m_prevSpace = false;
            if (m_spaces == 1 && ++m_targetBytes > m_limits.maxUriBytes)
                return fail(414, "request-target too long");
        }
    }
    scanned = data.size();
    return Outcome::NeedMore;
}

} // namespace portico
