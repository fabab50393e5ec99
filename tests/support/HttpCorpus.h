#pragma once

#include <QByteArray>
#include <QList>

namespace portico::test {

// A malformed HTTP/1.x message and what a strict gateway answers to it.
struct BadMessage
{
    const char *name;
    QByteArray raw;
    int status = 400;      // requests: the status to answer with; responses: always 502
    bool headSeen = false; // requests: the head itself is valid (the body is not)
};

// Requests a gateway must refuse: smuggling vectors (CL+TE, duplicate CL, bare LF, obs-fold,
// whitespace in names), bad Host, unsupported codings and versions, control characters.
// The unit tests feed them to HttpParser; integration tests can send them to porticod.
QList<BadMessage> badRequestCorpus();

// Upstream responses a gateway must not pass on (it answers 502 instead).
QList<BadMessage> badResponseCorpus();

} // namespace portico::test
