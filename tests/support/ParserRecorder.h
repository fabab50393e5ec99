#pragma once

#include "http/HttpParser.h"

#include <QByteArray>
#include <QList>

#include <vector>

namespace portico::test {

// One message as an HttpParser delivered it.
struct RecordedMessage
{
    RequestHead request;
    ResponseHead response;
    QByteArray body;
    int bodyPieces = 0;
    bool complete = false;
};

// An HttpParserListener that records what it gets and pauses where a test asks it to.
class ParserRecorder : public HttpParserListener
{
public:
    Action onRequestHead(RequestHead &head) override;
    Action onResponseHead(ResponseHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    std::vector<RecordedMessage> messages;
    QList<QByteArray> events; // "head", "body", "complete", in order

    bool pauseOnHead = false;
    bool pauseOnBody = false;
    bool pauseOnComplete = false;
    bool skipBody = false; // onResponseHead answers SkipBody (a response to HEAD)
    int completed() const;

private:
    RecordedMessage &current();
};

// What feeding a whole stream produced.
struct FeedOutcome
{
    HttpParser::Status status = HttpParser::Status::Ok;
    qsizetype consumed = 0;        // bytes of the stream the parser took in total
    QList<qsizetype> pauseOffsets; // stream offset at each pause
};

// Feeds `data` in pieces of `step` bytes (0: all at once), keeping what a pause leaves
// unconsumed, resuming and feeding it again (also when nothing is left, as the contract says).
FeedOutcome feedInPieces(HttpParser &parser, QByteArrayView data, qsizetype step = 0);

} // namespace portico::test
