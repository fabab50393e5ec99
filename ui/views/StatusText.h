#pragma once

#include <QString>

namespace portico {

// The engine's state as rich text, the same wherever it shows: a coloured dot and a word.
enum class EngineState { Running, Stopped, Failed };
QString engineStateHtml(EngineState state);

// What a rich-text label says, without its markup and entities ("● Running" → "Running"), for
// tests and accessibility.
QString plainText(const QString &html);

} // namespace portico
