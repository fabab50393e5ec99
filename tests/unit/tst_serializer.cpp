// Serializer: heads and chunked framing, checked byte for byte and by parsing them back.
#include "ParserRecorder.h"
#include "http/HttpParser.h"
#include "http/Serializer.h"

#include <QtTest>

#include <functional>

using namespace portico;
using namespace portico::test;

class TestSerializer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestHead();
    void responseHead();
    void responseHeadCustomReasonAndVersion();
    void headerInjectionIsNeutralised();
    void unsafeNameByteAtAnyPosition();
    void controlByteInValueAtAnyPosition();
    void namesAndValuesOfEveryLength();
    void chunks();
    void chunkedRoundTrip();
    void serializeResponseAddsLength();
    void serializeResponseBodiless();
};

void TestSerializer::requestHead()
{
    RequestHead h;
    h.method = "POST";
    h.target = "/x?y=1";
    h.headers.add("Host", "up.test");
    h.headers.add("Content-Length", "3");
    QByteArray out = "prefix:";
    appendRequestHead(out, h);
    QCOMPARE(out,
             QByteArray("prefix:POST /x?y=1 HTTP/1.1\r\nHost: up.test\r\n"
                        "Content-Length: 3\r\n\r\n"));
}

void TestSerializer::responseHead()
{
    ResponseHead h;
    h.status = 404;
    h.headers.add("Content-Length", "0");
    QByteArray out;
    appendResponseHead(out, h);
    QCOMPARE(out, QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
}

void TestSerializer::responseHeadCustomReasonAndVersion()
{
    ResponseHead h;
    h.status = 299;
    h.reason = "Custom";
    h.versionMinor = 0;
    QByteArray out;
    appendResponseHead(out, h);
    QCOMPARE(out, QByteArray("HTTP/1.0 299 Custom\r\n\r\n"));
}

void TestSerializer::headerInjectionIsNeutralised()
{
    HeaderMap h;
    h.add("X-Ok", "a\r\nInjected: 1");
    h.add("Bad Name", "v");
    h.add("Bad:Name", "v");
    h.add("", "v");
    h.add("X-Nul", QByteArray("a\0b", 3));
    QByteArray out;
    appendHeaders(out, h);
    QCOMPARE(out, QByteArray("X-Ok: a  Injected: 1\r\nX-Nul: a b\r\n"));
}

namespace {

// Tries every byte value at every position of texts of 1 to 20 bytes ('x' elsewhere): texts are
// scanned a word at a time, a short one packed into one word. Returns where `holds` failed
// first, or nothing.
QString firstFailure(const std::function<bool(const QByteArray &, int byte, int position)> &holds)
{
    for (int length = 1; length <= 20; ++length) {
        for (int position = 0; position < length; ++position) {
            for (int byte = 0; byte < 256; ++byte) {
                QByteArray text(length, 'x');
                text[position] = char(byte);
                if (!holds(text, byte, position))
                    return QString("length %1, byte 0x%2 at %3")
                        .arg(length)
                        .arg(byte, 2, 16, QChar('0'))
                        .arg(position);
            }
        }
    }
    return {};
}

QByteArray written(const QByteArray &name, const QByteArray &value)
{
    HeaderMap h;
    h.add(name, value);
    QByteArray out;
    appendHeaders(out, h);
    return out;
}

} // namespace

void TestSerializer::unsafeNameByteAtAnyPosition()
{
    // A name holding ':' or any byte up to space is dropped, wherever the byte is.
    const QString failure = firstFailure([](const QByteArray &name, int byte, int) {
        const bool safe = byte > 0x20 && byte != ':';
        return written(name, "v").isEmpty() != safe;
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSerializer::controlByteInValueAtAnyPosition()
{
    // A value's CR, LF and NUL become spaces wherever they are; other bytes pass as they are.
    const QString failure = firstFailure([](const QByteArray &value, int byte, int position) {
        QByteArray expected = value;
        if (byte == '\r' || byte == '\n' || byte == 0)
            expected[position] = ' ';
        return written("X", value) == "X: " + expected + "\r\n";
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSerializer::namesAndValuesOfEveryLength()
{
    // Short texts are copied in overlapping moves of 4, 8, 16 and 32 bytes: every length up to
    // past the longest of them, each byte distinct, comes out whole and in place.
    for (int length = 1; length <= 130; ++length) {
        QByteArray name, value;
        for (int i = 0; i < length; ++i) {
            name.append(char('A' + i % 26));
            value.append(char(' ' + 1 + i % 90));
        }
        HeaderMap h;
        h.add(name, value);
        h.add("X", "y");
        QByteArray out;
        appendHeaders(out, h);
        QCOMPARE(out, name + ": " + value + "\r\nX: y\r\n");
    }
}

void TestSerializer::chunks()
{
    QByteArray out;
    appendChunk(out, "hello");
    appendChunk(out, QByteArray(26, 'z'));
    appendChunk(out, {}); // writes nothing: an empty chunk would end the body
    appendLastChunk(out);
    QCOMPARE(out, QByteArray("5\r\nhello\r\n1a\r\n" + QByteArray(26, 'z') + "\r\n0\r\n\r\n"));
}

void TestSerializer::chunkedRoundTrip()
{
    ResponseHead h;
    h.headers.add("Transfer-Encoding", "chunked");
    QByteArray out;
    appendResponseHead(out, h);
    QByteArray body;
    for (int i = 0; i < 50; ++i) {
        const QByteArray piece(i * 37 + 1, char('a' + i % 26));
        appendChunk(out, piece);
        body += piece;
    }
    appendLastChunk(out);
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Response, &rec);
    QCOMPARE(feedInPieces(parser, out, 5).status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 1);
    QCOMPARE(rec.messages.front().body, body);
}

void TestSerializer::serializeResponseAddsLength()
{
    ResponseHead h;
    h.status = 200;
    h.headers.add("Content-Type", "application/json");
    const QByteArray out = serializeResponse(h, "{}");
    QCOMPARE(out,
             QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        "Content-Length: 2\r\n\r\n{}"));
    h.headers.add("Content-Length", "2");
    QCOMPARE(serializeResponse(h, "{}").count("Content-Length"), 1);
}

void TestSerializer::serializeResponseBodiless()
{
    ResponseHead h;
    h.status = 204;
    QCOMPARE(serializeResponse(h, "ignored"), QByteArray("HTTP/1.1 204 No Content\r\n\r\n"));
    h.status = 304;
    h.headers.add("ETag", "\"x\"");
    QCOMPARE(serializeResponse(h, {}),
             QByteArray("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"));
}

QTEST_GUILESS_MAIN(TestSerializer)
#include "tst_serializer.moc"
