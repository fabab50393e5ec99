// HttpParser: requests and responses fed whole and in pieces, pause/resume offsets, strictness.
#include "HttpCorpus.h"
#include "ParserRecorder.h"
#include "http/HttpParser.h"

#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

constexpr qsizetype kSteps[] = {0, 1, 2, 3, 7, 64};

QByteArray stepName(qsizetype step)
{
    return step == 0 ? QByteArray("whole") : "step " + QByteArray::number(step);
}

const QByteArray kGet = "GET /a?x=1 HTTP/1.1\r\nHost: example.test\r\nAccept: */*\r\n\r\n";
const QByteArray kPostHead = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
const QByteArray kPost = kPostHead + "hello world";
const QByteArray kChunkedHead = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
const QByteArray kChunked =
    kChunkedHead + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n" + "X-Trailer: t\r\n\r\n";

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestWholeAndInPieces_data();
    void requestWholeAndInPieces();
    void chunkedReassemblyAtEverySplit();
    void keepAliveSemantics_data();
    void keepAliveSemantics();
    void pipelinedRequests();
    void pauseOnRequestHead();
    void pauseOnBodyContentLength();
    void pauseOnBodyChunked();
    void pauseOnMessageComplete();
    void feedWhilePausedConsumesNothing();
    void strictness_data();
    void strictness();
    void uriLimit();
    void headerLimitCountsRawBytes();
    void bigHeadByteByByteIsNotTooLarge();
    void upgradeRequestIsPlainRequest();
    void expectContinue();
    void headerValuesAndOrder();
    void headTextsShareOneBuffer();
    void errorIsSticky();
    void bytesAfterConnectionCloseIgnored();
    void finishOnRequests();
    void responseFraming_data();
    void responseFraming();
    void responseUntilClose();
    void bodilessResponsesIgnoreFraming();
    void interimResponse();
    void skipBodyForHead();
    void responseErrors_data();
    void responseErrors();
};

void TestHttpParser::requestWholeAndInPieces_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<qsizetype>("step");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    for (qsizetype step : kSteps) {
        QTest::newRow("get " + stepName(step)) << kGet << step << QByteArray("GET") << QByteArray();
        QTest::newRow("post " + stepName(step))
            << kPost << step << QByteArray("POST") << QByteArray("hello world");
        QTest::newRow("chunked " + stepName(step))
            << kChunked << step << QByteArray("POST") << QByteArray("hello world");
    }
}

void TestHttpParser::requestWholeAndInPieces()
{
    QFETCH(QByteArray, raw);
    QFETCH(qsizetype, step);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    const FeedOutcome out = feedInPieces(parser, raw, step);
    QCOMPARE(out.status, HttpParser::Status::Ok);
    QCOMPARE(out.consumed, raw.size());
    QCOMPARE(rec.completed(), 1);
    const RecordedMessage &m = rec.messages.front();
    QCOMPARE(m.request.method, method);
    QCOMPARE(m.body, body);
    QVERIFY(m.request.headers.contains("host"));
    QVERIFY(!m.request.headers.contains("X-Trailer")); // trailers are dropped
    QVERIFY(!parser.isMidMessage());
    QCOMPARE(parser.messagesCompleted(), 1);
    if (method == "GET") {
        QCOMPARE(m.request.path(), QByteArray("/a"));
        QCOMPARE(m.request.query(), QByteArray("x=1"));
        QCOMPARE(m.request.framing, BodyFraming::None);
    }
}

void TestHttpParser::chunkedReassemblyAtEverySplit()
{
    for (qsizetype split = 1; split < kChunked.size(); ++split) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        auto r1 = parser.feed(QByteArrayView(kChunked).first(split));
        QCOMPARE(r1.status, HttpParser::Status::Ok);
        auto r2 = parser.feed(QByteArrayView(kChunked).sliced(split));
        QCOMPARE(r2.status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 1);
        QCOMPARE(rec.messages.front().body, QByteArray("hello world"));
        QCOMPARE(rec.messages.front().request.framing, BodyFraming::Chunked);
    }
}

void TestHttpParser::keepAliveSemantics_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("http10");
    QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << true
                                 << false;
    QTest::newRow("1.1 close") << QByteArray(
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")
                               << false << false;
    QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false << true;
    QTest::newRow("1.0 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n") << true
        << true;
}

void TestHttpParser::keepAliveSemantics()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, keepAlive);
    QFETCH(bool, http10);
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    QCOMPARE(parser.feed(raw).status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 1);
    QCOMPARE(rec.messages.front().request.keepAlive, keepAlive);
    QCOMPARE(rec.messages.front().request.isHttp10(), http10);
}

void TestHttpParser::pipelinedRequests()
{
    const QByteArray raw = kGet + kPost + kChunked + kGet;
    for (qsizetype step : kSteps) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        QCOMPARE(feedInPieces(parser, raw, step).status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 4);
        QCOMPARE(rec.messages[1].body, QByteArray("hello world"));
        QCOMPARE(rec.messages[2].body, QByteArray("hello world"));
        QCOMPARE(rec.messages[3].request.method, QByteArray("GET"));
    }
}

void TestHttpParser::pauseOnRequestHead()
{
    // A head paused at the end of the buffer: onMessageComplete comes from the empty feed.
    ParserRecorder rec;
    rec.pauseOnHead = true;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    HttpParser::Result r = parser.feed(kGet);
    QCOMPARE(r.status, HttpParser::Status::Paused);
    QCOMPARE(r.consumed, kGet.size());
    QCOMPARE(rec.completed(), 0);
    parser.resume();
    r = parser.feed({});
    QCOMPARE(r.status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 1);

    // With a body: consumed stops exactly at the end of the head.
    for (const QByteArray &raw : {kPost + kGet, kChunked + kGet}) {
        ParserRecorder rec2;
        rec2.pauseOnHead = true;
        HttpParser p2(HttpParser::Kind::Request, &rec2);
        const FeedOutcome out = feedInPieces(p2, raw);
        QCOMPARE(out.status, HttpParser::Status::Ok);
        const qsizetype headSize = raw.indexOf("\r\n\r\n") + 4;
        QCOMPARE(out.pauseOffsets, (QList<qsizetype>{headSize, raw.size()}));
        QCOMPARE(rec2.completed(), 2);
        QCOMPARE(rec2.events.first(2), (QList<QByteArray>{"head", "body"}));
    }
}

void TestHttpParser::pauseOnBodyContentLength()
{
    ParserRecorder rec;
    rec.pauseOnBody = true;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    const QByteArray raw = kPost + kGet;
    HttpParser::Result r = parser.feed(raw);
    QCOMPARE(r.status, HttpParser::Status::Paused);
    QCOMPARE(r.consumed, kPost.size()); // right after the body span
    QCOMPARE(rec.completed(), 0);       // completion waits for the resume
    parser.resume();
    r = parser.feed(QByteArrayView(raw).sliced(kPost.size()));
    QCOMPARE(r.status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 2);

    // Body split over feeds: each pause consumes exactly the piece delivered.
    ParserRecorder rec2;
    rec2.pauseOnBody = true;
    HttpParser p2(HttpParser::Kind::Request, &rec2);
    const FeedOutcome out = feedInPieces(p2, kPost, 3);
    QCOMPARE(out.status, HttpParser::Status::Ok);
    QCOMPARE(rec2.completed(), 1);
    QCOMPARE(rec2.messages.front().body, QByteArray("hello world"));
    QVERIFY(out.pauseOffsets.size() >= 4);
    for (qsizetype off : out.pauseOffsets)
        QVERIFY(off > kPostHead.size() && off <= kPost.size());
}

void TestHttpParser::pauseOnBodyChunked()
{
    ParserRecorder rec;
    rec.pauseOnBody = true;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    const FeedOutcome out = feedInPieces(parser, kChunked + kGet);
    QCOMPARE(out.status, HttpParser::Status::Ok);
    const qsizetype first = kChunkedHead.size() + 3 + 5; // "5\r\n" + "hello"
    QCOMPARE(out.pauseOffsets.first(), first);
    QCOMPARE(out.pauseOffsets.size(), 3);
    QCOMPARE(rec.completed(), 2);
    QCOMPARE(rec.messages.front().body, QByteArray("hello world"));
}

void TestHttpParser::pauseOnMessageComplete()
{
    const QByteArray raw = kGet + kPost + kChunked;
    for (qsizetype step : kSteps) {
        ParserRecorder rec;
        rec.pauseOnComplete = true;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        const FeedOutcome out = feedInPieces(parser, raw, step);
        QCOMPARE(out.status, HttpParser::Status::Ok);
        const QList<qsizetype> ends{kGet.size(), kGet.size() + kPost.size(), raw.size()};
        QCOMPARE(out.pauseOffsets, ends);
        QCOMPARE(rec.completed(), 3);
    }
}

void TestHttpParser::feedWhilePausedConsumesNothing()
{
    ParserRecorder rec;
    rec.pauseOnComplete = true;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    const QByteArray raw = kGet + kGet;
    HttpParser::Result r = parser.feed(raw);
    QCOMPARE(r.status, HttpParser::Status::Paused);
    QCOMPARE(r.consumed, kGet.size());
    QVERIFY(parser.isPaused());
    r = parser.feed(QByteArrayView(raw).sliced(kGet.size()));
    QCOMPARE(r.status, HttpParser::Status::Paused);
    QCOMPARE(r.consumed, 0);
    QCOMPARE(rec.completed(), 1);
    parser.resume();
    r = parser.feed(QByteArrayView(raw).sliced(kGet.size()));
    QCOMPARE(r.status, HttpParser::Status::Paused);
    QCOMPARE(r.consumed, kGet.size());
    QCOMPARE(rec.completed(), 2);
}

void TestHttpParser::strictness_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("headSeen");
    for (const BadMessage &m : badRequestCorpus())
        QTest::newRow(m.name) << m.raw << m.status << m.headSeen;
}

void TestHttpParser::strictness()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(bool, headSeen);
    for (qsizetype step : {0, 1}) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        const FeedOutcome out = feedInPieces(parser, raw, step);
        QVERIFY2(out.status == HttpParser::Status::Error, stepName(step).constData());
        QCOMPARE(parser.error().status, status);
        QVERIFY(!parser.error().message.isEmpty());
        QCOMPARE(rec.completed(), 0);
        QCOMPARE(!rec.messages.empty(), headSeen); // no head reaches the gateway when invalid
        QVERIFY(parser.hasFailed());
    }
}

void TestHttpParser::uriLimit()
{
    HeadLimits limits;
    limits.maxUriBytes = 64;
    const QByteArray ok = "GET /" + QByteArray(63, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    const QByteArray tooLong = "GET /" + QByteArray(64, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    for (qsizetype step : {0, 1}) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec, limits);
        QCOMPARE(feedInPieces(parser, ok, step).status, HttpParser::Status::Ok);
        ParserRecorder rec2;
        HttpParser p2(HttpParser::Kind::Request, &rec2, limits);
        QCOMPARE(feedInPieces(p2, tooLong, step).status, HttpParser::Status::Error);
        QCOMPARE(p2.error().status, 414);
    }
    // A huge URI is refused as such even when it also exceeds the head limit.
    ParserRecorder rec3;
    HttpParser p3(HttpParser::Kind::Request, &rec3);
    const QByteArray huge = "GET /" + QByteArray(100'000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    QCOMPARE(p3.feed(huge).status, HttpParser::Status::Error);
    QCOMPARE(p3.error().status, 414);
}

void TestHttpParser::headerLimitCountsRawBytes()
{
    const QByteArray head =
        "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: " + QByteArray(200, 'p') + "\r\n\r\n";
    HeadLimits exact;
    exact.maxHeaderBytes = int(head.size());
    HeadLimits under = exact;
    under.maxHeaderBytes -= 1;
    for (qsizetype step : {0, 1}) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec, exact);
        QCOMPARE(feedInPieces(parser, head + head, step).status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 2); // the limit applies per message
        ParserRecorder rec2;
        HttpParser p2(HttpParser::Kind::Request, &rec2, under);
        QCOMPARE(feedInPieces(p2, head, step).status, HttpParser::Status::Error);
        QCOMPARE(p2.error().status, 431);
    }
    // Endless whitespace or empty lines are bounded too.
    ParserRecorder rec3;
    HttpParser p3(HttpParser::Kind::Request, &rec3, under);
    QByteArray crlfs;
    for (int i = 0; i < 200; ++i)
        crlfs += "\r\n";
    QCOMPARE(p3.feed(crlfs).status, HttpParser::Status::Error);
    QCOMPARE(p3.error().status, 431);
}

void TestHttpParser::bigHeadByteByByteIsNotTooLarge()
{
    // 200 short fields: ~3 KiB of head under a 4 KiB limit, whatever the feed size.
    QByteArray raw = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 200; ++i)
        raw += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    raw += "\r\n";
    QVERIFY(raw.size() < 4096);
    HeadLimits limits;
    limits.maxHeaderBytes = 4096;
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec, limits);
    QCOMPARE(feedInPieces(parser, raw, 1).status, HttpParser::Status::Ok);
    QCOMPARE(rec.messages.front().request.headers.size(), 201);
}

void TestHttpParser::upgradeRequestIsPlainRequest()
{
    const QByteArray up = "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
                          "Upgrade: websocket\r\nContent-Length: 2\r\n\r\nab";
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    QCOMPARE(feedInPieces(parser, up + kGet).status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 2);
    QCOMPARE(rec.messages[0].body, QByteArray("ab"));
    QCOMPARE(rec.messages[1].request.path(), QByteArray("/a"));
}

void TestHttpParser::expectContinue()
{
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    QCOMPARE(parser
                 .feed("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n"
                       "Content-Length: 1\r\n\r\nx"
                       "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx")
                 .status,
             HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 2);
    QVERIFY(rec.messages[0].request.expectContinue);
    QVERIFY(!rec.messages[1].request.expectContinue); // HTTP/1.0 cannot expect
}

void TestHttpParser::headerValuesAndOrder()
{
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    QCOMPARE(
        parser.feed("GET / HTTP/1.1\r\nHost: h \r\nA: 1\t \r\nb: x y\r\nA: 2\r\nE:\r\n\r\n").status,
        HttpParser::Status::Ok);
    const HeaderMap &hm = rec.messages.front().request.headers;
    QCOMPARE(hm.size(), 5);
    QCOMPARE(hm.value("host"), QByteArray("h"));
    QCOMPARE(hm.combinedValue("a"), QByteArray("1, 2"));
    QCOMPARE(hm.value("B"), QByteArray("x y"));
    QVERIFY(hm.contains("E"));
    QCOMPARE(hm.value("E"), QByteArray(""));
    QCOMPARE(hm.fields()[3].first, QByteArray("A"));
}

void TestHttpParser::headTextsShareOneBuffer()
{
    // Target, header values and uncommon names come out of one buffer per head (one
    // allocation), whole or in pieces, each equal to what was sent and NUL-terminated.
    const QByteArray raw = "GET /orders/7?full=1 HTTP/1.1\r\nHost: example.test\r\n"
                           "X-Custom-Thing: alpha\r\nAccept: */*\r\nX-Other:  beta \r\n\r\n";
    for (qsizetype step : kSteps) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        QCOMPARE(feedInPieces(parser, raw, step).status, HttpParser::Status::Ok);
        RequestHead head = rec.messages.front().request;
        QCOMPARE(head.target, QByteArray("/orders/7?full=1"));
        const std::vector<HeaderMap::Field> expected = {
            {"Host", "example.test"}, {"X-Custom-Thing", "alpha"}, {"Accept", "*/*"},
            {"X-Other", "beta"}};
        QCOMPARE(head.headers.fields(), expected);
        QList<QByteArray> texts{head.target};
        for (const auto &[name, value] : head.headers.fields())
            texts << name << value;
        const void *buffer = head.target.data_ptr().d_ptr();
        for (QByteArray &text : texts) {
            QCOMPARE(text.constData()[text.size()], '\0');
            if (text != "Host" && text != "Accept") // common names are shared constants
                QVERIFY2(text.data_ptr().d_ptr() == buffer, stepName(step) + ": " + text);
        }
    }
}

void TestHttpParser::errorIsSticky()
{
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Request, &rec);
    const QByteArray raw = kGet + "GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n";
    const HttpParser::Result r = parser.feed(raw);
    QCOMPARE(r.status, HttpParser::Status::Error);
    QCOMPARE(r.consumed, raw.indexOf("h\nX") + 1); // the offending byte
    QCOMPARE(rec.completed(), 1);
    QCOMPARE(parser.feed(kGet).status, HttpParser::Status::Error);
    QCOMPARE(parser.finish().status, HttpParser::Status::Error);
    QCOMPARE(rec.completed(), 1);
}

void TestHttpParser::bytesAfterConnectionCloseIgnored()
{
    const QByteArray last = "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    for (bool pause : {false, true}) {
        ParserRecorder rec;
        rec.pauseOnComplete = pause;
        HttpParser parser(HttpParser::Kind::Request, &rec);
        const FeedOutcome out = feedInPieces(parser, kGet + last + kGet + "garbage\n");
        QCOMPARE(out.status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 2);
        QVERIFY(!rec.messages[1].request.keepAlive);
        if (pause) // the caller still learns exactly where the last message ended
            QCOMPARE(out.pauseOffsets.back(), kGet.size() + last.size());
    }
}

void TestHttpParser::finishOnRequests()
{
    ParserRecorder rec;
    HttpParser idle(HttpParser::Kind::Request, &rec);
    QCOMPARE(idle.feed(kGet).status, HttpParser::Status::Ok);
    QCOMPARE(idle.finish().status, HttpParser::Status::Ok);

    HttpParser truncated(HttpParser::Kind::Request, &rec);
    QCOMPARE(truncated.feed(QByteArrayView(kPost).first(kPost.size() - 3)).status,
             HttpParser::Status::Ok);
    QVERIFY(truncated.isMidMessage());
    QCOMPARE(truncated.finish().status, HttpParser::Status::Error);
    QCOMPARE(truncated.error().status, 400);
}

void TestHttpParser::responseFraming_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("framing");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        << int(BodyFraming::ContentLength) << QByteArray("hello") << true;
    QTest::newRow("chunked with trailers")
        << QByteArray(
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n")
        << int(BodyFraming::Chunked) << QByteArray("abc") << true;
    QTest::newRow("zero length") << QByteArray(
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                                 << int(BodyFraming::None) << QByteArray() << true;
    QTest::newRow("close") << QByteArray(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx")
                           << int(BodyFraming::ContentLength) << QByteArray("x") << false;
    QTest::newRow("1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")
                         << int(BodyFraming::ContentLength) << QByteArray("x") << false;
}

void TestHttpParser::responseFraming()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, framing);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    for (qsizetype step : kSteps) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Response, &rec);
        QCOMPARE(feedInPieces(parser, raw, step).status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 1);
        const RecordedMessage &m = rec.messages.front();
        QCOMPARE(int(m.response.framing), framing);
        QCOMPARE(m.body, body);
        QCOMPARE(m.response.keepAlive, keepAlive);
        QVERIFY(!m.response.headers.contains("T"));
    }
}

void TestHttpParser::responseUntilClose()
{
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Response, &rec);
    QCOMPARE(feedInPieces(parser, "HTTP/1.1 200 OK\r\nX: y\r\n\r\nsome bytes", 4).status,
             HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 0);
    QCOMPARE(rec.messages.front().response.framing, BodyFraming::UntilClose);
    QVERIFY(!rec.messages.front().response.keepAlive);
    QCOMPARE(parser.finish().status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 1);
    QCOMPARE(rec.messages.front().body, QByteArray("some bytes"));

    // Truncated Content-Length body.
    ParserRecorder rec2;
    HttpParser p2(HttpParser::Kind::Response, &rec2);
    QCOMPARE(p2.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").status,
             HttpParser::Status::Ok);
    QCOMPARE(p2.finish().status, HttpParser::Status::Error);
    QCOMPARE(p2.error().status, 502);
}

void TestHttpParser::bodilessResponsesIgnoreFraming()
{
    // llhttp alone would read a body after a 204/304 that carries framing headers.
    const QByteArray raw = "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
                           "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    for (qsizetype step : kSteps) {
        ParserRecorder rec;
        HttpParser parser(HttpParser::Kind::Response, &rec);
        QCOMPARE(feedInPieces(parser, raw, step).status, HttpParser::Status::Ok);
        QCOMPARE(rec.completed(), 3);
        QCOMPARE(rec.messages[0].response.framing, BodyFraming::None);
        QCOMPARE(rec.messages[1].response.framing, BodyFraming::None);
        QVERIFY(rec.messages[0].body.isEmpty());
        QCOMPARE(rec.messages[2].body, QByteArray("ok"));
    }
}

void TestHttpParser::interimResponse()
{
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Response, &rec);
    const QByteArray raw =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz";
    QCOMPARE(feedInPieces(parser, raw, 1).status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 3);
    QCOMPARE(rec.messages[0].response.status, 100);
    QCOMPARE(rec.messages[0].response.framing, BodyFraming::None);
    QCOMPARE(rec.messages[1].response.status, 103);
    QCOMPARE(rec.messages[2].response.status, 201);
    QCOMPARE(rec.messages[2].body, QByteArray("z"));
}

void TestHttpParser::skipBodyForHead()
{
    ParserRecorder rec;
    rec.skipBody = true;
    HttpParser parser(HttpParser::Kind::Response, &rec);
    const QByteArray raw = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    QCOMPARE(feedInPieces(parser, raw).status, HttpParser::Status::Ok);
    QCOMPARE(rec.completed(), 2);
    QCOMPARE(rec.messages[0].response.contentLength, 1000);
    QVERIFY(rec.messages[0].body.isEmpty());
    QVERIFY(rec.messages[0].response.keepAlive);
}

void TestHttpParser::responseErrors_data()
{
    QTest::addColumn<QByteArray>("raw");
    for (const BadMessage &m : badResponseCorpus())
        QTest::newRow(m.name) << m.raw;
}

void TestHttpParser::responseErrors()
{
    QFETCH(QByteArray, raw);
    ParserRecorder rec;
    HttpParser parser(HttpParser::Kind::Response, &rec);
    QCOMPARE(feedInPieces(parser, raw).status, HttpParser::Status::Error);
    QCOMPARE(parser.error().status, 502);
}

QTEST_GUILESS_MAIN(TestHttpParser)
#include "tst_http_parser.moc"
