#pragma once

#include <QString>

namespace portico {

struct ObserveConfig;

// What the Traffic page says about the capture settings: one line under the table ("Requests
// are captured while this page is open (capture: watched), with the first 4 KiB of bodies")
// and what a record without headers (one loaded from another tool's HAR) says in its details.
struct CaptureNote
{
    QString line;
    QString notCaptured;
};
CaptureNote captureNote(const ObserveConfig &observe);

} // namespace portico
