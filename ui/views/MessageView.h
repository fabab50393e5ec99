#pragma once

#include "observe/CaptureRecord.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace portico {

// One side of a captured exchange, the request or the response: its first line, its header
// fields (redacted values marked) beside its body (pretty JSON, a hex dump or text), and a
// note on what the capture lacks (headers not captured, a body cut short or not kept).
class MessageView : public QWidget
{
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);

    struct Message
    {
        QString startLine;       // "GET /users/1 HTTP/1.1", "HTTP/1.1 200"
        bool hasHeaders = false; // the capture holds headers and body
        const std::vector<CapturedField> *headers = nullptr;
        const CapturedBody *body = nullptr;
        qint64 bodyBytes = 0; // the body's size from the summary (always known)
    };
    void setMessage(const Message &message);
    // What is said when a record has no headers (depends on settings.capture).
    void setNotCapturedNote(const QString &note) { m_notCaptured = note; }

    // For tests and copying: the fields as "Name: value" lines, the body as shown, the notes.
    QString headersText() const;
    QString bodyText() const;
    QString noteText() const;

private:
    QLabel *m_startLine;
    QLabel *m_note;
    QTreeWidget *m_headers;
    QLabel *m_bodyTitle;
    QPlainTextEdit *m_body;
    QString m_notCaptured;
};

} // namespace portico
