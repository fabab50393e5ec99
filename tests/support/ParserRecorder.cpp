#include "ParserRecorder.h"

namespace portico::test {

RecordedMessage &ParserRecorder::current()
{
    if (messages.empty() || messages.back().complete)
        messages.emplace_back();
    return messages.back();
}

HttpParserListener::Action ParserRecorder::onRequestHead(RequestHead &head)
{
    current().request = head;
    events.append("head");
    return pauseOnHead ? Action::Pause : Action::Continue;
}

HttpParserListener::Action ParserRecorder::onResponseHead(ResponseHead &head)
{
    current().response = head;
    events.append("head");
    if (skipBody)
        return Action::SkipBody;
    return pauseOnHead ? Action::Pause : Action::Continue;
}

HttpParserListener::Action ParserRecorder::onBody(QByteArrayView data)
{
    RecordedMessage &m = current();
    m.body.append(data.data(), data.size());
    ++m.bodyPieces;
    events.append("body");
    return pauseOnBody ? Action::Pause : Action::Continue;
}

HttpParserListener::Action ParserRecorder::onMessageComplete()
{
    current().complete = true;
    events.append("complete");
    return pauseOnComplete ? Action::Pause : Action::Continue;
}

int ParserRecorder::completed() const
{
    int n = 0;
    for (const RecordedMessage &m : messages)
        n += m.complete ? 1 : 0;
    return n;
}

FeedOutcome feedInPieces(HttpParser &parser, QByteArrayView data, qsizetype step)
{
    FeedOutcome out;
    QByteArray pending; // bytes handed over but not yet consumed
    qsizetype next = 0;
    while (true) {
        if (pending.isEmpty() && next >= data.size())
            break;
        if (pending.isEmpty() || step > 0) {
            const qsizetype n = step > 0 ? qMin(step, data.size() - next) : data.size() - next;
            pending.append(data.sliced(next, n).toByteArray());
            next += n;
        }
        const HttpParser::Result r = parser.feed(pending);
        out.consumed += r.consumed;
        pending.remove(0, r.consumed);
        if (r.status == HttpParser::Status::Error) {
            out.status = HttpParser::Status::Error;
            return out;
        }
        if (r.status == HttpParser::Status::Paused) {
            out.pauseOffsets.append(out.consumed);
            parser.resume();
            // Deliver what needs no more input before feeding the rest.
            while (true) {
                const HttpParser::Result again = parser.feed(pending);
                out.consumed += again.consumed;
                pending.remove(0, again.consumed);
                if (again.status == HttpParser::Status::Error) {
                    out.status = HttpParser::Status::Error;
                    return out;
                }
                if (again.status != HttpParser::Status::Paused)
                    break;
                out.pauseOffsets.append(out.consumed);
                parser.resume();
            }
        }
    }
    out.status = HttpParser::Status::Ok;
    return out;
}

} // namespace portico::test
