#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArray>
#include <QString>

namespace portico {

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format browsers' developer
// tools save and open. Export writes the standard fields and, under "_portico" in each entry,
// what HAR has no field for (route, consumer, decisions, the gateway's own timings), so a saved
// capture loads back into the inspector unchanged. docs/admin-api.md ("HAR export") describes
// the mapping.

// HAR's timings of a record, in microseconds: connect (-1 when no new connection was made),
// wait (the gateway's and the upstream's time to the response head) and receive (the rest, to
// the last byte). They add up to totalUs (the spec's rule); without an upstream the gateway's
// whole time is the wait.
struct HarTimings
{
    qint64 connectUs = -1;
    qint64 waitUs = 0;
    qint64 receiveUs = 0;
    qint64 totalUs = 0;
};
HarTimings harTimings(const CaptureTimings &timings);

// A HAR document (indented JSON, UTF-8) of the records, in the given order.
QByteArray toHar(const CaptureRecords &records, const QString &creatorVersion);

// The records of a HAR: Portico's own (everything restored from "_portico") or any other tool's
// (the standard fields only). On failure: no records and *error says why.
CaptureRecords fromHar(const QByteArray &json, QString *error);

} // namespace portico
