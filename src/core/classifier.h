/* classifier.h — the model behind routing suggestions: complement naive Bayes (Rennie et al.
 * 2003: each class is scored by how unlike the *other* classes' text the document is, which
 * keeps small classes from being swamped by big ones) over text terms (core/textseg: CJK
 * bigrams, lone ideographs, lower-cased ASCII words) and whole tags such as "c:42" (a
 * category) or "d:7" (a district). Term counts are scaled to unit length, so a long text does
 * not drown a short one. The softmax temperature that turns scores into probabilities is
 * fitted by k-fold cross-validation on the training set itself, so that a confidence of 0.8
 * is right about 80 % of the time.
 *
 * Pure: trains from arrays, predicts the top k, serialises to and from a byte buffer; no I/O.
 * A trained model is immutable, so any number of threads may predict with it at once. */
#ifndef HOTLINE_CORE_CLASSIFIER_H
#define HOTLINE_CORE_CLASSIFIER_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define CLF_MAX_CLASSES 4096
#define CLF_MAX_LABEL 128 /* bytes of one label, without the NUL */

typedef struct classifier classifier;

/* One document: its text (segmented with textseg) and tags (features taken whole). */
typedef struct {
    const char *text; /* UTF-8; NULL or len 0 for none */
    size_t len;
    const char *const *tags;
    size_t ntags;
} clf_doc;

typedef struct {
    double alpha;      /* additive smoothing; 0 means 0.05 */
    double tag_weight; /* weight of each tag; the text's weights have unit length; 0 means 1 */
    int folds;         /* cross-validation folds for the temperature: 0 means 5, 1 means none
                          (temperature 1) */
} clf_params;

typedef struct {
    size_t samples, classes, features;
    double alpha, tag_weight, temperature;
    double cv_top1, cv_top3; /* cross-validated accuracy on the training set (0 without) */
    double cv_confidence;    /* mean top-1 probability in that cross-validation */
} clf_info;

/* A prediction: label points into the model (lives as long as it). */
typedef struct {
    const char *label;
    double p;
} clf_guess;

/* Trains on n documents and their labels (1..CLF_MAX_LABEL bytes each; at most
 * CLF_MAX_CLASSES distinct). Caller owns *out (clf_free). HL_EINVAL for n == 0 or a bad
 * label, HL_ERANGE for too many classes, HL_ENOMEM. */
HL_MUST_CHECK int clf_train(const clf_doc *docs, const char *const *labels, size_t n,
                            const clf_params *p, classifier **out);
/* Accepts NULL. */
void clf_free(classifier *m);
void clf_get_info(const classifier *m, clf_info *out);
/* The k (>= 1) most probable classes, best first, into out[0..*got); *got = min(k, classes).
 * Probabilities are over all classes (they sum to 1 over every class, not just the k).
 * HL_ENOMEM only. */
HL_MUST_CHECK int clf_predict(const classifier *m, const clf_doc *d, clf_guess *out, size_t k,
                              size_t *got);
/* Serialises the model: *data is malloc'd (caller frees), *len its size. */
HL_MUST_CHECK int clf_save(const classifier *m, unsigned char **data, size_t *len);
/* Rebuilds a model from clf_save's bytes, checking every count, offset and value: anything
 * inconsistent is HL_EINVAL, never a crash. Caller owns *out. */
HL_MUST_CHECK int clf_load(const unsigned char *data, size_t len, classifier **out);

#endif
