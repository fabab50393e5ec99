#include "HttpCorpus.h"

namespace portico::test {

QList<BadMessage> badRequestCorpus()
{
    QList<BadMessage> out;
    const QByteArray h = "Host: h\r\n";
    auto row = [&out](const char *name, QByteArray raw, int status, bool headSeen = false) {
        out.append(BadMessage{name, std::move(raw), status, headSeen});
    };
    row("CL with TE",
        "POST / HTTP/1.1\r\n" + h
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400);
    row("TE with CL",
        "POST / HTTP/1.1\r\n" + h
            + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        400);
    row("two CLs",
        "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
    row("CL list", "POST / HTTP/1.1\r\n" + h + "Content-Length: 5, 6\r\n\r\nhello!", 400);
    row("negative CL", "POST / HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n", 400);
    row("bad chunk size",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400,
        true);
    row("chunk data without CRLF",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n", 400,
        true);
    row("bare LF request line", "GET / HTTP/1.1\n" + h + "\r\n", 400);
    row("bare LF header", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400);
    row("bare LF end of head", "GET / HTTP/1.1\r\n" + h + "\n", 400);
    row("bare LF before request", "\nGET / HTTP/1.1\r\n" + h + "\r\n", 400);
    row("bare LF end of trailers",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\n", 400,
        true);
    row("bare LF in trailer",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\n\r\n",
        400, true);
    row("lone CR", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400);
    row("obs-fold space", "GET / HTTP/1.1\r\n" + h + "X: a\r\n b\r\n\r\n", 400);
    row("obs-fold tab", "GET / HTTP/1.1\r\n" + h + "X: a\r\n\tb\r\n\r\n", 400);
    row("obs-fold trailer",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n 2\r\n\r\n",
        400, true);
    row("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
    row("space in name", "GET / HTTP/1.1\r\n" + h + "X Y: 1\r\n\r\n", 400);
    row("empty name", "GET / HTTP/1.1\r\n" + h + ": 1\r\n\r\n", 400);
    row("double space request line", "GET  / HTTP/1.1\r\n" + h + "\r\n", 400);
    row("tab in target", "GET /a\tb HTTP/1.1\r\n" + h + "\r\n", 400);
    row("missing Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400);
    row("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
    row("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400);
    row("Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
    row("Host bad port", "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", 400);
    row("Host with path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
    row("TE gzip", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n", 501);
    row("TE gzip, chunked",
        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
    row("TE chunked, gzip",
        "POST / HTTP/1.1\r\n" + h // chunked not final
            + "Transfer-Encoding: chunked, gzip\r\n\r\n",
        400);
    row("TE chunked twice",
        "POST / HTTP/1.1\r\n" + h
            + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400);
    row("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    row("HTTP/2.0", "GET / HTTP/2.0\r\n" + h + "\r\n", 505);
    row("HTTP/0.9", "GET / HTTP/0.9\r\n" + h + "\r\n", 505);
    row("HTTP/3.0", "GET / HTTP/3.0\r\n" + h + "\r\n", 505);
    row("HTTP/1.2", "GET / HTTP/1.2\r\n" + h + "\r\n", 505);
    row("junk after version", "GET / HTTP/1.1x\r\n" + h + "\r\n", 400);
    row("space after version", "GET / HTTP/1.1 \r\n" + h + "\r\n", 400);
    row("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
    row("NUL in value", QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35), 400);
    row("SOH in value", "GET / HTTP/1.1\r\n" + h + "X: a\x01z\r\n\r\n", 400);
    row("DEL in value", "GET / HTTP/1.1\r\n" + h + "X: a\x7fz\r\n\r\n", 400);
    row("ESC in name", "GET / HTTP/1.1\r\n" + h + "X\x1bY: 1\r\n\r\n", 400);
    row("lowercase method", "get / HTTP/1.1\r\n" + h + "\r\n", 400);
    row("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501);
    return out;
}

QList<BadMessage> badResponseCorpus()
{
    QList<BadMessage> out;
    auto row = [&out](const char *name, QByteArray raw) {
        out.append(BadMessage{name, std::move(raw), 502, false});
    };
    row("bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n");
    row("obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n");
    row("CL and TE", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
    row("two CLs", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
    row("HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    row("101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n");
    row("bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n");
    row("space in name", "HTTP/1.1 200 OK\r\nX Y: 1\r\nContent-Length: 0\r\n\r\n");
    row("NUL in value", QByteArray("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27));
    row("head too large", "HTTP/1.1 200 OK\r\nX: " + QByteArray(40'000, 'x') + "\r\n\r\n");
    return out;
}

} // namespace portico::test
