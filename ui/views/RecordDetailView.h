#pragma once

#include "observe/CaptureRecord.h"

#include <QTabWidget>

class QFormLayout;
class QLabel;

namespace portico {

class DecisionList;
class MessageView;
class TimingBar;

// The Traffic page's details of one captured request, in tabs: Overview (the summary: ids,
// client, route, consumer, key, upstream; where the time went; what the gateway decided, in
// order), Request and Response (start line, header fields, body).
class RecordDetailView : public QTabWidget
{
    Q_OBJECT
public:
    enum Tab { Overview, Request, Response };

    explicit RecordDetailView(QWidget *parent = nullptr);

    // nullptr shows nothing.
    void setRecord(const CaptureRecordPtr &record);
    CaptureRecordPtr record() const { return m_record; }
    // What a record without headers says (it depends on settings.capture).
    void setNotCapturedNote(const QString &note);

    MessageView *requestView() const { return m_request; }
    MessageView *responseView() const { return m_response; }
    TimingBar *timingBar() const { return m_timing; }
    DecisionList *decisionList() const { return m_decisions; }
    // The summary as "Label: value" lines, for tests.
    QString summaryText() const;

private:
    QLabel *addSummaryRow(const QString &label, const QString &objectName);
    void showSummary(const CaptureRecord &r);

    CaptureRecordPtr m_record;
    QFormLayout *m_summary;
    std::vector<QLabel *> m_values;
    TimingBar *m_timing;
    DecisionList *m_decisions;
    MessageView *m_request;
    MessageView *m_response;
};

} // namespace portico
